import XCTest

@testable import Proxy

/// `CopiedFields` written into the storage a previous request left (`init(reusing:_:)`) reads
/// exactly as a fresh copy: no field of the earlier request shows through.
final class CopiedFieldsTests: XCTestCase {
  private func fields(_ values: [(CopiedFields.Field, String)], reusing spare: inout [UInt8]) -> CopiedFields
  {
    CopiedFields(reusing: &spare) { writer in
      for (field, value) in values {
        Array(value.utf8).withUnsafeBytes { writer.set(field, $0) }
      }
    }
  }

  func testReusedStorageReadsAsAFreshCopy() {
    var none: [UInt8] = []
    let first = fields(
      [
        (.cookies, "gh=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; other=1"), (.userAgent, "first-agent"),
        (.csrfToken, "tok"),
      ],
      reusing: &none)
    var spare = first.spareStorage
    XCTAssertFalse(spare.isEmpty)
    let second = fields([(.userAgent, "ua2"), (.host, "")], reusing: &spare)
    XCTAssertTrue(spare.isEmpty, "the spare storage is taken")
    XCTAssertEqual(second.string(.userAgent), "ua2")
    XCTAssertEqual(second.bytes(.host), [], "present and empty")
    for absent: CopiedFields.Field in [.cookies, .csrfToken, .authorization, .sessionCookie, .path] {
      XCTAssertNil(second.slice(absent), "\(absent) of the earlier request shows through")
    }
    // The first request's fields are unchanged (its storage was not shared while it is held).
    XCTAssertEqual(first.string(.userAgent), "first-agent")
    XCTAssertEqual(first.string(.csrfToken), "tok")
  }

  func testTooSmallSpareIsLeftAndANewStorageMade() {
    var none: [UInt8] = []
    var spare = fields([(.host, "a")], reusing: &none).spareStorage
    let before = spare
    let larger = fields([(.host, String(repeating: "h", count: 300))], reusing: &spare)
    XCTAssertEqual(spare, before, "a spare too small for the fields is not used")
    XCTAssertEqual(larger.slice(.host)?.count, 300)
  }

  func testLargeStorageIsNotKeptForTheNextRequest() {
    var none: [UInt8] = []
    let large = fields([(.cookies, String(repeating: "c", count: 4000))], reusing: &none)
    XCTAssertTrue(large.spareStorage.isEmpty, "an idle connection would keep it")
  }
}
