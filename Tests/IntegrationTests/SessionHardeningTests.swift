import Foundation
import XCTest

/// Session routes and what the app may not do or hide (docs/security.md): method overrides make
/// a request unsafe for CSRF, the app cannot set Gatehouse's cookies, authenticated responses get
/// `Cache-Control` when the app set none.
final class SessionHardeningTests: SessionTestCase {
  func testMethodOverridesMakeARequestUnsafeForCSRF() throws {
    let gatehouse = try startSessionGatehouse()
    let (ticket, _, _) = try login(gatehouse, "alice")
    let csrf = try identity(gatehouse, ticket).csrf
    let cases: [(name: String, target: String, headers: [(String, String)], status: Int)] = [
      ("plain GET", "/app/a", [], 200),
      ("X-HTTP-Method-Override: DELETE", "/app/b", [("X-HTTP-Method-Override", "DELETE")], 403),
      ("X-HTTP-Method: put", "/app/c", [("X-HTTP-Method", "put")], 403),
      ("X-Method-Override: PATCH", "/app/d", [("X-Method-Override", "PATCH")], 403),
      ("override to GET", "/app/e", [("X-HTTP-Method-Override", "GET")], 200),
      ("?_method=DELETE", "/app/f?_method=DELETE", [], 403),
      ("?_method=get", "/app/g?_method=get", [], 200),
      (
        "override with the token", "/app/h", [("X-HTTP-Method-Override", "DELETE"), ("X-CSRF-Token", csrf)],
        200
      ),
      ("?_method=DELETE with the token", "/app/i?_method=DELETE", [("X-CSRF-Token", csrf)], 200),
    ]
    for c in cases {
      let (response, forwarded) = try request(gatehouse, "GET", c.target, ticket: ticket, headers: c.headers)
      XCTAssertEqual(response.status, c.status, "\(c.name): \(response)")
      if c.status == 200 {
        let seen = try XCTUnwrap(forwarded, "\(c.name): not forwarded")
        XCTAssertEqual(seen.target, c.target, "\(c.name): the query reaches the app unchanged")
        for name in ["X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"] {
          XCTAssertNil(seen.headers.value(name), "\(c.name): \(name) was forwarded")
        }
      } else {
        XCTAssertNil(forwarded, "\(c.name): a refused request reached the app")
      }
    }
  }

  func testOverrideHeadersAreForwardedWhenNotStripped() throws {
    let gatehouse = try startSessionGatehouse(session: ["[headers]", "strip_method_override = false"])
    let (ticket, _, _) = try login(gatehouse, "bob")
    let csrf = try identity(gatehouse, ticket).csrf
    let headers = [("X-HTTP-Method-Override", "DELETE"), ("X-CSRF-Token", csrf)]
    let (response, forwarded) = try request(gatehouse, "GET", "/app/kept", ticket: ticket, headers: headers)
    XCTAssertEqual(response.status, 200, "\(response)")
    XCTAssertEqual(forwarded?.headers.value("X-HTTP-Method-Override"), "DELETE")
    let (refused, _) = try request(
      gatehouse, "GET", "/app/kept2", ticket: ticket, headers: [("X-HTTP-Method-Override", "DELETE")])
    XCTAssertEqual(refused.status, 403, "still unsafe for CSRF when forwarded")
  }

  func testTheAppCannotSetGatehouseCookies() throws {
    let gatehouse = try startSessionGatehouse(session: ["csrf_cookie = \"gh_csrf\""])
    let (ticket, _, _) = try login(gatehouse, "carol")
    func setting(_ lines: [String]) -> String {
      "/app/respond-with?"
        + lines.map { "h=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") }
        .joined(separator: "&")
    }
    let target = setting([
      "Set-Cookie: gh_session=planted; Path=/", "Set-Cookie: =gh_session=nameless", "Set-Cookie: GH_CSRF=x",
      "Set-Cookie: theme=dark; Path=/",
    ])
    let (response, forwarded) = try request(gatehouse, "GET", target, ticket: ticket)
    XCTAssertEqual(response.status, 200, "\(response)")
    XCTAssertNotNil(forwarded)
    let cookies = response.headers.values("Set-Cookie")
    XCTAssertEqual(cookies, ["theme=dark; Path=/"], "only the app's own cookie reaches the client")
    XCTAssertTrue(
      waitUntil(timeout: 10) {
        gatehouse.logs.components(separatedBy: "owned_cookie_from_app").count - 1 == 3
      },
      "one security event per dropped line: \(gatehouse.logs)")
    XCTAssertTrue(try isAlive(gatehouse, ticket, "the real session is untouched"))

    // A login's own cookie is Gatehouse's, never filtered.
    let (fresh, _, _) = try login(gatehouse, "carol")
    XCTAssertTrue(try isAlive(gatehouse, fresh, "a login still sets the session cookie"))
  }

  func testAuthenticatedResponsesGetCacheControlWhenTheAppSetNone() throws {
    let gatehouse = try startSessionGatehouse()
    let (ticket, _, _) = try login(gatehouse, "dave")
    let (plain, _) = try request(gatehouse, "GET", "/app/page", ticket: ticket)
    XCTAssertEqual(plain.headers.values("Cache-Control"), ["private, no-store"])
    let own =
      "/app/respond-with?h="
      + ("Cache-Control: public, max-age=60".addingPercentEncoding(
        withAllowedCharacters: .alphanumerics) ?? "")
    let (kept, _) = try request(gatehouse, "GET", own, ticket: ticket)
    XCTAssertEqual(kept.headers.values("Cache-Control"), ["public, max-age=60"], "the app's choice passes")
    let (open, _) = try request(gatehouse, "GET", "/__probe", ticket: nil)
    XCTAssertEqual(open.headers.values("Cache-Control"), [], "public routes are left alone")

    let off = try startSessionGatehouse(session: ["[headers]", "authenticated_cache_control = \"\""])
    let (offTicket, _, _) = try login(off, "dave")
    let (none, _) = try request(off, "GET", "/app/page", ticket: offTicket)
    XCTAssertEqual(none.headers.values("Cache-Control"), [], "turned off")
  }
}
