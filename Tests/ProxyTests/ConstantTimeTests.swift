import XCTest

@testable import Proxy

final class ConstantTimeTests: XCTestCase {
  func testEquals() {
    let cases: [(name: String, a: String, b: String, equal: Bool)] = [
      ("equal", "token-123", "token-123", true),
      ("both empty", "", "", true),
      ("last byte differs", "token-123", "token-124", false),
      ("first byte differs", "token-123", "Token-123", false),
      ("prefix", "token-12", "token-123", false),
      ("longer", "token-1234", "token-123", false),
      ("empty vs non-empty", "", "x", false),
      ("length differs by 256", String(repeating: "a", count: 256), "", false),
    ]
    for c in cases {
      XCTAssertEqual(ConstantTime.equals(Array(c.a.utf8), Array(c.b.utf8)), c.equal, c.name)
    }
  }
}
