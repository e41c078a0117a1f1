import HTTP1
import Sessions
import XCTest

@testable import Proxy

/// What an app's `Set-Cookie` of a vaulted name does to the vault, and how changes fold.
final class VaultChangeTests: XCTestCase {
  private let now: Int64 = 1_700_000_000 * 1_000_000_000

  func testSetCookieToChangeTable() throws {
    let seconds: Int64 = 1_000_000_000
    let cases: [(name: String, setCookie: String, change: VaultChange)] = [
      ("session cookie", "JSESSIONID=abc; Path=/", .set(VaultedCookie(name: "JSESSIONID", value: "abc"))),
      (
        "max-age", "JSESSIONID=abc; Max-Age=60",
        .set(VaultedCookie(name: "JSESSIONID", value: "abc", expires: now + 60 * seconds))
      ),
      (
        "expires in the future", "JSESSIONID=abc; Expires=Wed, 01 Jan 2031 00:00:00 GMT",
        .set(VaultedCookie(name: "JSESSIONID", value: "abc", expires: 1_924_992_000 * seconds))
      ),
      (
        "max-age wins over expires", "JSESSIONID=abc; Expires=Wed, 01 Jan 2031 00:00:00 GMT; Max-Age=5",
        .set(VaultedCookie(name: "JSESSIONID", value: "abc", expires: now + 5 * seconds))
      ),
      ("max-age zero", "JSESSIONID=; Max-Age=0", .remove("JSESSIONID")),
      ("max-age negative", "JSESSIONID=x; Max-Age=-1", .remove("JSESSIONID")),
      ("expires in the past", "JSESSIONID=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT", .remove("JSESSIONID")),
      (
        "quoted value kept as written", "JSESSIONID=\"ab\"",
        .set(VaultedCookie(name: "JSESSIONID", value: "\"ab\""))
      ),
    ]
    for c in cases {
      let parsed = try SetCookieParser.parse(c.setCookie)
      XCTAssertEqual(VaultChange(parsed, now: now), c.change, c.name)
    }
  }

  func testChangesFoldInOrder() {
    let start = [VaultedCookie(name: "A", value: "1"), VaultedCookie(name: "B", value: "2")]
    let changes: [VaultChange] = [
      .set(VaultedCookie(name: "B", value: "3")), .remove("A"), .set(VaultedCookie(name: "C", value: "4")),
      .set(VaultedCookie(name: "C", value: "5")),
    ]
    XCTAssertEqual(
      VaultChange.applying(changes, to: start),
      [VaultedCookie(name: "B", value: "3"), VaultedCookie(name: "C", value: "5")])
    XCTAssertEqual(VaultChange.applying([], to: start), start)
  }
}
