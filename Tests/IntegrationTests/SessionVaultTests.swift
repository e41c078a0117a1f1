import Foundation
import XCTest

/// The vault (`[session] vault_cookies`, docs/vault.md) through the built binary: the echo app sets
/// an insecure `JSESSIONID`, the client never sees it, the app receives it on every request of
/// the session and never again after the session ends.
class SessionVaultTestCase: SessionTestCase {
  static let vault = ["vault_cookies = [\"JSESSIONID\"]"]

  /// `/login-as/USER` whose response also carries `setCookies` (app `Set-Cookie` values).
  func loginSetting(
    _ gatehouse: GatehouseProcess, _ user: String, _ setCookies: [String], headers: [(String, String)] = [],
    file: StaticString = #filePath, line: UInt = #line
  ) throws -> (ticket: String, response: HTTPResponse) {
    let (response, _) = try send(
      gatehouse, "GET", "/login-as/\(user)" + Self.query(setCookies), headers: headers)
    XCTAssertEqual(response.status, 200, "login: \(response)", file: file, line: line)
    let setCookie = try XCTUnwrap(sessionSetCookie(response, "login"), "\(response)", file: file, line: line)
    return (cookieValue(setCookie), response)
  }

  /// `?h=Set-Cookie: …` for each value (the echo app answers with those headers).
  static func query(_ setCookies: [String]) -> String {
    let allowed = CharacterSet.alphanumerics
    let parts = setCookies.map {
      "h=" + ("Set-Cookie: " + $0).addingPercentEncoding(withAllowedCharacters: allowed)!
    }
    return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
  }

  /// The `Cookie` the app received.
  func appCookies(_ forwarded: RecordedRequest?) -> String {
    forwarded?.headers.values("Cookie").joined(separator: "; ") ?? "<not forwarded>"
  }

  func setCookieNames(_ response: HTTPResponse) -> [String] {
    response.headers.values("Set-Cookie").map { String($0.prefix { $0 != "=" }) }
  }
}

final class SessionVaultTests: SessionVaultTestCase {
  func testVaultedCookieNeverReachesTheClientAndTheAppGetsItOnEveryRequest() throws {
    let gatehouse = try startSessionGatehouse(
      session: Self.vault + ["[[route]]", "path_prefix = \"/pub/\"", "auth = \"public\""])
    let (ticket, login) = try loginSetting(
      gatehouse, "alice", ["JSESSIONID=weak1; Path=/", "lang=en; Path=/"])
    XCTAssertEqual(
      setCookieNames(login).sorted(), [Self.cookieName, "lang"], "app's JSESSIONID withheld: \(login)")

    for attempt in 1...3 {
      let (response, forwarded) = try request(
        gatehouse, "GET", "/app/page", ticket: ticket, extraCookies: "theme=dark")
      XCTAssertEqual(response.status, 200, "\(response)")
      XCTAssertEqual(appCookies(forwarded), "theme=dark; JSESSIONID=weak1", "request \(attempt)")
    }

    // A client-sent copy never reaches the app; the event names the cookie, never the value.
    let (spoofed, forwarded) = try request(
      gatehouse, "GET", "/app/page", ticket: ticket, extraCookies: "JSESSIONID=attacker; theme=dark")
    XCTAssertEqual(spoofed.status, 200)
    XCTAssertEqual(appCookies(forwarded), "theme=dark; JSESSIONID=weak1")
    XCTAssertTrue(
      waitUntil(timeout: 10) { gatehouse.logs.contains("vaulted_cookie_from_client") }, gatehouse.logs)
    XCTAssertFalse(gatehouse.logs.contains("attacker"), "a cookie value in the logs")
    XCTAssertFalse(gatehouse.logs.contains("weak1"), "a vaulted value in the logs")

    // Without a session the app's cookie is kept nowhere, and a client copy is still stripped.
    let (anonymous, seen) = try request(
      gatehouse, "GET", "/pub/respond-with" + Self.query(["JSESSIONID=anon"]), ticket: nil,
      extraCookies: "JSESSIONID=forged")
    XCTAssertFalse(setCookieNames(anonymous).contains("JSESSIONID"), "\(anonymous)")
    XCTAssertFalse(appCookies(seen).contains("JSESSIONID"), appCookies(seen))
  }

  func testAppChangingOrDeletingItsCookieUpdatesTheRecord() throws {
    let gatehouse = try startSessionGatehouse(session: Self.vault)
    let (ticket, _) = try loginSetting(gatehouse, "alice", ["JSESSIONID=weak1"])
    // The same value again: nothing to write, no new Gatehouse cookie.
    let (same, _) = try request(
      gatehouse, "GET", "/app/respond-with" + Self.query(["JSESSIONID=weak1"]), ticket: ticket)
    XCTAssertEqual(setCookieNames(same), [], "\(same)")

    let (changed, _) = try request(
      gatehouse, "GET", "/app/respond-with" + Self.query(["JSESSIONID=weak2; HttpOnly"]), ticket: ticket)
    XCTAssertEqual(changed.status, 200, "\(changed)")
    XCTAssertEqual(setCookieNames(changed), [Self.cookieName], "the change is written: the session rotates")
    let rotated = cookieValue(try XCTUnwrap(sessionSetCookie(changed, "vault update")))
    XCTAssertEqual(
      appCookies(try request(gatehouse, "GET", "/app/next", ticket: rotated).forwarded), "JSESSIONID=weak2")

    let (deleted, _) = try request(
      gatehouse, "GET", "/app/respond-with" + Self.query(["JSESSIONID=; Max-Age=0"]), ticket: rotated)
    XCTAssertFalse(setCookieNames(deleted).contains("JSESSIONID"), "\(deleted)")
    let after = cookieValue(try XCTUnwrap(sessionSetCookie(deleted, "vault removal")))
    let (_, forwarded) = try request(gatehouse, "GET", "/app/next", ticket: after, extraCookies: "a=1")
    XCTAssertEqual(appCookies(forwarded), "a=1", "deleted by the app: no longer added")

    let metrics = try admin(gatehouse, "GET", "/metrics").body
    XCTAssertTrue(metrics.contains("gatehouse_vault_cookies_total{action=\"stored\"} 2"), metrics)
    XCTAssertTrue(metrics.contains("gatehouse_vault_cookies_total{action=\"removed\"} 1"), metrics)
  }

  func testVaultDiesWithTheSession() throws {
    let gatehouse = try startSessionGatehouse(
      session: Self.vault + ["idle_timeout = \"2s\"", "touch_interval = \"1s\"", "absolute_timeout = \"1h\""])
    // Logout.
    let (first, _) = try loginSetting(gatehouse, "alice", ["JSESSIONID=one"])
    XCTAssertEqual(
      appCookies(try request(gatehouse, "GET", "/app/x", ticket: first).forwarded), "JSESSIONID=one")
    XCTAssertEqual(try request(gatehouse, "GET", "/logout-this", ticket: first).response.status, 200)
    let (afterLogout, none) = try request(gatehouse, "GET", "/api/x", ticket: first)
    XCTAssertEqual(afterLogout.status, 401)
    XCTAssertNil(none)
    // A new login does not inherit the old vault.
    let (fresh, _) = try loginSetting(gatehouse, "alice", [])
    XCTAssertEqual(
      appCookies(try request(gatehouse, "GET", "/app/x", ticket: fresh, extraCookies: "a=1").forwarded), "a=1"
    )

    // Admin revocation.
    let (second, _) = try loginSetting(gatehouse, "bob", ["JSESSIONID=two"])
    XCTAssertEqual(
      appCookies(try request(gatehouse, "GET", "/app/x", ticket: second).forwarded), "JSESSIONID=two")
    XCTAssertEqual(try admin(gatehouse, "DELETE", "/sessions?user=bob").status, 200)
    XCTAssertFalse(try isAlive(gatehouse, second, "revoked"))

    // Idle timeout.
    let (third, _) = try loginSetting(gatehouse, "carol", ["JSESSIONID=three"])
    XCTAssertEqual(
      appCookies(try request(gatehouse, "GET", "/app/x", ticket: third).forwarded), "JSESSIONID=three")
    // Polled through the admin listing, which does not touch the session as a request would.
    XCTAssertTrue(
      try waitUntil(timeout: 15, interval: 0.2) {
        try !self.admin(gatehouse, "GET", "/sessions?user=carol").body.contains("\"hash\"")
      })
    XCTAssertFalse(try isAlive(gatehouse, third, "idle"))
    let leaked = upstream.requests.filter {
      $0.headers.values("Cookie").joined().contains("JSESSIONID=") && $0.target == "/api/alive"
        && !$0.headers.values("Cookie").joined().contains("three")
    }
    XCTAssertEqual(leaked.count, 0)
  }

  func testFingerprintOneOfFourChangedPassesTwoAreRefused() throws {
    let gatehouse = try startSessionGatehouse(session: [
      "bind_fingerprint = [\"user-agent\", \"accept\", \"accept-language\", \"accept-encoding\"]",
      "fingerprint_min_similarity = 0.7",
    ])
    let browser = [
      ("User-Agent", "Browser/1.0"), ("Accept", "text/html"), ("Accept-Language", "en-GB"),
      ("Accept-Encoding", "gzip, br"),
    ]
    let (ticket, _) = try loginSetting(gatehouse, "alice", [], headers: browser)
    func with(_ changes: [String: String]) -> [(String, String)] {
      browser.map { ($0.0, changes[$0.0] ?? $0.1) }
    }
    // bind_user_agent (strict) is switched off by nothing here: keep the User-Agent.
    XCTAssertEqual(
      try request(gatehouse, "GET", "/api/x", ticket: ticket, headers: browser).response.status, 200)
    let one = with(["Accept-Language": "de-DE"])
    XCTAssertEqual(
      try request(gatehouse, "GET", "/api/x", ticket: ticket, headers: one).response.status, 200,
      "0.75 passes")
    let two = with(["Accept-Language": "de-DE", "Accept-Encoding": "identity"])
    let (refused, forwarded) = try request(gatehouse, "GET", "/api/x", ticket: ticket, headers: two)
    XCTAssertEqual(refused.status, 401, "0.5 is refused: \(refused)")
    XCTAssertNil(forwarded)
    XCTAssertTrue(
      waitUntil(timeout: 10) {
        gatehouse.logs.contains("fingerprint changed: accept-language, accept-encoding")
      },
      gatehouse.logs)
    XCTAssertFalse(gatehouse.logs.contains("de-DE"), "a header value in the logs")
    XCTAssertTrue(
      try admin(gatehouse, "GET", "/metrics").body.contains("gatehouse_session_binding_mismatches_total 1"))
  }
}
