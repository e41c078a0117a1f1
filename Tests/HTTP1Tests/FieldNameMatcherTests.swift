import HTTP1
import XCTest

final class FieldNameMatcherTests: XCTestCase {
  func testTable() {
    let cases: [(name: String, patterns: [String], field: String, matches: Bool)] = [
      ("exact", ["X-Auth-User"], "X-Auth-User", true),
      ("case-insensitive", ["X-Auth-User"], "x-aUTH-user", true),
      ("underscore in the field", ["X-Auth-User"], "X_Auth_User", true),
      ("underscore in the pattern", ["x_auth_user"], "X-Auth-User", true),
      ("longer name is not exact", ["X-Auth-User"], "X-Auth-Users", false),
      ("shorter name", ["X-Auth-User"], "X-Auth-Use", false),
      ("prefix", ["X-Auth-*"], "X-Auth-Roles", true),
      ("prefix matches itself", ["X-Auth-*"], "x_auth_", true),
      ("prefix too short", ["X-Auth-*"], "X-Auth", false),
      ("second pattern", ["A", "Gatehouse-*"], "gatehouse-login", true),
      ("no patterns", [], "X", false),
      ("star alone matches all", ["*"], "anything", true),
      ("different letter", ["X-Auth-User"], "X-Auth-Usex", false),
      // The length filter: exact patterns of several lengths, long names and long patterns.
      ("one of several lengths", ["A", "Bb", "X-Auth-User"], "bb", true),
      ("a length no pattern has", ["A", "Bb", "X-Auth-User"], "Ccc", false),
      ("same length, other bytes", ["A", "Bb", "X-Auth-User"], "C", false),
      ("empty name", ["A"], "", false),
      ("63-byte pattern", [String(repeating: "q", count: 63)], String(repeating: "Q", count: 63), true),
      ("64-byte pattern", [String(repeating: "q", count: 64)], String(repeating: "q", count: 64), true),
      (
        "70-byte name, 64-byte pattern", [String(repeating: "q", count: 64)],
        String(repeating: "q", count: 70), false
      ),
      ("70-byte name, prefix", ["Q*"], String(repeating: "q", count: 70), true),
      ("prefix beside exact", ["A", "Long-*"], "long-and-longer-name", true),
      // The first-byte filter: case and '_' folded before it, obs-text, an empty stem.
      ("first byte, other case", ["X-Auth-*"], "x-auth-user", true),
      ("first byte no pattern has", ["X-Auth-*", "Gatehouse-*"], "Cookie", false),
      ("first byte '_' folds to '-'", ["-Private-*"], "_private_x", true),
      ("first byte above 0x7F", ["\u{E9}t\u{E9}-*"], "\u{E9}t\u{E9}-x", true),
      ("first byte above 0x7F, refused", ["\u{E9}t\u{E9}-*"], "\u{100}t\u{E9}-x", false),
      ("empty stem beside others", ["X-*", "*"], "cookie", true),
    ]
    for c in cases {
      let matcher = FieldNameMatcher(patterns: c.patterns)
      let got = Array(c.field.utf8).withUnsafeBytes { matcher.matches($0) }
      XCTAssertEqual(got, c.matches, c.name)
    }
  }

  func testFieldNameEquals() {
    let cases: [(name: String, bytes: String, equal: Bool)] = [
      ("same", "content-length", true),
      ("mixed case", "Content-LENGTH", true),
      ("different length", "content-lengths", false),
      ("different byte", "content_length", false),
      ("empty", "", false),
    ]
    for c in cases {
      XCTAssertEqual(
        Array(c.bytes.utf8).withUnsafeBytes { FieldName.equals($0, "content-length") }, c.equal, c.name)
    }
  }
}
