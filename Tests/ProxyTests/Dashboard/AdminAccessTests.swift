import HTTP1
import XCTest

@testable import Proxy

final class AdminAccessTests: XCTestCase {
  private let token = Array("operator-token".utf8)
  private let now: Int64 = 1_700_000_000

  func testDecisions() {
    let cookies = AdminSessionCookie(key: Array(repeating: 1, count: 32))
    let tokenID = AdminTokenID(token: token)
    let (value, claims) = cookies.issue(tokenID: tokenID, nowSeconds: now)
    let csrf = cookies.csrfToken(for: claims)
    let cookie = "theme=dark; \(AdminSessionCookie.name)=\(value)"
    struct Case {
      let name: String
      let configured: Bool
      var method: HTTPMethod = .get
      var authorization: String? = nil
      var cookie: String? = nil
      var csrf: String? = nil
      var fetchSite: String? = nil
      let expected: AdminAccess.Decision
    }
    let cases = [
      Case(name: "no token configured: open", configured: false, method: .delete, expected: .allowed(.open)),
      Case(name: "nothing presented", configured: true, expected: .unauthorized),
      Case(
        name: "bearer", configured: true, authorization: "Bearer operator-token",
        expected: .allowed(.bearer(tokenID))),
      Case(
        name: "bearer needs no CSRF token for DELETE", configured: true, method: .delete,
        authorization: "Bearer operator-token", expected: .allowed(.bearer(tokenID))),
      Case(
        name: "wrong bearer", configured: true, authorization: "Bearer operator-tokeN",
        expected: .unauthorized),
      Case(name: "cookie GET", configured: true, cookie: cookie, expected: .allowed(.browser(claims))),
      Case(
        name: "cookie DELETE without CSRF", configured: true, method: .delete, cookie: cookie,
        expected: .csrfRefused),
      Case(
        name: "cookie DELETE with a wrong CSRF", configured: true, method: .delete, cookie: cookie,
        // The token is random: always change its first character (a fixed "x" matched 1 run in 64).
        csrf: (csrf.first == "x" ? "y" : "x") + csrf.dropFirst(),
        expected: .csrfRefused),
      Case(
        name: "cookie DELETE with CSRF", configured: true, method: .delete, cookie: cookie, csrf: csrf,
        expected: .allowed(.browser(claims))),
      Case(
        name: "cookie POST with CSRF", configured: true, method: .post, cookie: cookie, csrf: csrf,
        expected: .allowed(.browser(claims))),
      Case(
        name: "cookie from a cross-site request", configured: true, cookie: cookie, fetchSite: "cross-site",
        expected: .unauthorized),
      Case(
        name: "cookie from a same-origin request", configured: true, cookie: cookie, fetchSite: "same-origin",
        expected: .allowed(.browser(claims))),
      Case(
        name: "cookie sent twice is ambiguous", configured: true,
        cookie: cookie + "; \(AdminSessionCookie.name)=\(value)",
        expected: .unauthorized),
      Case(name: "CSRF token alone", configured: true, method: .delete, csrf: csrf, expected: .unauthorized),
    ]
    for c in cases {
      var request = AdminRequest(method: c.method, path: Array("/sessions".utf8))
      request.authorization = c.authorization.map { Array($0.utf8) }
      request.cookie = c.cookie.map { Array($0.utf8) }
      request.csrfToken = c.csrf.map { Array($0.utf8) }
      request.fetchSite = c.fetchSite.map { Array($0.utf8) }
      let decision = AdminAccess.decide(
        request, token: c.configured ? token : nil, cookies: cookies, nowSeconds: now)
      XCTAssertEqual(decision, c.expected, c.name)
    }
  }

  func testCallerNamesForEvents() {
    let id = AdminTokenID(token: token)
    XCTAssertEqual(AdminCaller.open.tokenID, "none")
    XCTAssertEqual(AdminCaller.open.via, "open")
    XCTAssertEqual(AdminCaller.bearer(id).tokenID, id.description)
    XCTAssertEqual(AdminCaller.bearer(id).via, "token")
    let (_, claims) = AdminSessionCookie().issue(tokenID: id, nowSeconds: now)
    XCTAssertEqual(AdminCaller.browser(claims).via, "dashboard")
    XCTAssertFalse(AdminCaller.browser(claims).tokenID.contains("operator"), "never the token itself")
  }
}
