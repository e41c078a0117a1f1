import XCTest

@testable import HTTP1

/// Which app `Set-Cookie` lines set a cookie Gatehouse owns (docs/security.md, "Cookies Gatehouse
/// owns"); the table runs whole.
final class CookieNameSetTests: XCTestCase {
  func testOwnedNames() {
    let owned = CookieNameSet(["gh_session", "gh_csrf", ""])
    let cases: [(value: String, owned: Bool)] = [
      ("gh_session=abc; Path=/; HttpOnly", true),
      ("gh_session=", true),
      ("GH_SESSION=abc", true),
      (" gh_session =abc", true),
      ("gh_csrf=t; Path=/", true),
      ("=gh_session=abc", true),
      ("= gh_session=abc; Path=/", true),
      ("gh_session2=abc", false),
      ("xgh_session=abc", false),
      ("__Host-gh_session=abc; Secure; Path=/", false),
      ("other=gh_session", false),
      ("other=1; gh_session=2", false),
      ("gh_session", false),
      ("", false),
      ("=", false),
      ("theme=dark", false),
    ]
    for c in cases {
      let got = Array(c.value.utf8).withUnsafeBytes { owned.containsCookie(setBy: $0) }
      XCTAssertEqual(got, c.owned, "Set-Cookie: \(c.value)")
    }
    XCTAssertFalse(CookieNameSet([""]).containsCookie(setBy: UnsafeRawBufferPointer(start: nil, count: 0)))
    XCTAssertTrue(CookieNameSet([]).isEmpty)
  }
}
