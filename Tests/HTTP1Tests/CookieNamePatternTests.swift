import HTTP1
import XCTest

final class CookieNamePatternTests: XCTestCase {
  func testTable() {
    let cases: [(pattern: String, name: String, matches: Bool)] = [
      ("JSESSIONID", "JSESSIONID", true),
      ("JSESSIONID", "jsessionid", false),
      ("JSESSIONID", "JSESSIONID2", false),
      ("JSESSIONID", "JSESSIONI", false),
      ("_ga*", "_ga", true),
      ("_ga*", "_ga_XYZ123", true),
      ("_ga*", "_gid", false),
      ("_ga_*", "_ga", false),
      ("_ga_*", "_ga_", true),
      ("utm_*", "utm_source", true),
      ("utm_*", "xutm_source", false),
      ("*_pref", "theme_pref", true),
      ("*_pref", "theme_prefs", false),
      ("a*b*c", "abc", true),
      ("a*b*c", "aXbYc", true),
      ("a*b*c", "aXbYcZ", false),
      ("a*b*c", "acb", false),
      ("*", "anything", true),
      ("**", "", true),
      ("a**b", "ab", true),
      ("*ab*ab*", "xabyab", true),
      ("*ab*ab*", "xaby", false),
      ("__Host-*", "__Host-id", true),
    ]
    for c in cases {
      XCTAssertEqual(CookieNamePattern(c.pattern).matches(c.name), c.matches, "\(c.pattern) ~ \(c.name)")
    }
  }

  func testExactnessValidityAndLiteralPrefix() {
    XCTAssertTrue(CookieNamePattern("JSESSIONID").isExact)
    XCTAssertFalse(CookieNamePattern("_ga*").isExact)
    XCTAssertTrue(CookieNamePattern("_ga*").isValid)
    XCTAssertFalse(CookieNamePattern("").isValid)
    XCTAssertFalse(CookieNamePattern("a b").isValid)
    XCTAssertFalse(CookieNamePattern("a;b*").isValid)
    XCTAssertEqual(CookieNamePattern("__Host-*").literalPrefix, "__Host-")
    XCTAssertEqual(CookieNamePattern("JSESSIONID").literalPrefix, "JSESSIONID")
  }

  /// A pattern of many stars against a long non-matching name stays linear-ish (no exponential
  /// backtracking): it must simply finish with the right answer.
  func testManyStarsDoNotBacktrackExponentially() {
    let pattern = CookieNamePattern(String(repeating: "a*", count: 30) + "b")
    XCTAssertFalse(pattern.matches(String(repeating: "a", count: 4000)))
    XCTAssertTrue(pattern.matches(String(repeating: "a", count: 40) + "b"))
  }
}
