import Config
import EventLoop
import HTTP1
import Net
import Sessions
import XCTest

@testable import Proxy

/// Strip runs first: what it removes, no later phase sees and the app never receives — except
/// the session CSRF header, which the CSRF check reads and the app never receives.
final class StripPhaseTests: XCTestCase {
  static let settings = SessionSettings(keys: [Secret(String(repeating: "k", count: 32))])
  static let routes = [CompiledRoute(name: "app", path: "/", exact: false, methods: [], auth: .session)]

  func testClientIdentityHeadersReachNeitherAuthenticationNorTheApp() throws {
    // `User-Agent` on the strip list shows what "invisible to authentication" means for a field
    // an authenticator would otherwise read.
    let runtime = RuntimeConfig.testing(
      routes: Self.routes, strip: HeaderSettings.defaultStrip + ["User-Agent"], session: Self.settings)
    let h = try ExchangeHarness(runtime: runtime)
    let authenticator = FakeAuthenticator(
      .allow(AuthGrant(identityHeaders: [("X-User-Id", "alice")], method: "session", principalHash: nil)))
    h.worker.authenticators[.session] = authenticator
    h.clientSends(
      "GET /page HTTP/1.1\r\nHost: a\r\nX-User-Id: mallory\r\nX_User_Id: eve\r\nUser-Agent: spoofed\r\n"
        + "X-Auth-Role: admin\r\nCookie: __Host-gatehouse=t; theme=dark\r\n\r\n")
    let seen = try XCTUnwrap(authenticator.requests.first)
    XCTAssertNil(seen.userAgent, "a stripped field is invisible to authentication")
    XCTAssertEqual(seen.sessionCookie.map { String(decoding: $0, as: UTF8.self) }, "t")
    let upstream = h.upstreamText
    XCTAssertFalse(upstream.contains("mallory"))
    XCTAssertFalse(upstream.contains("eve"))
    XCTAssertFalse(upstream.contains("spoofed"))
    XCTAssertFalse(upstream.contains("admin"))
    XCTAssertTrue(upstream.contains("\r\nX-User-Id: alice\r\n"), "only Gatehouse's own identity header")
    XCTAssertTrue(upstream.contains("\r\ncookie: theme=dark\r\n"), "the session cookie never reaches the app")
    XCTAssertEqual(h.exchange.context.strippedHeaders, 4)
  }

  func testSeveralCookieFieldsReachTheAppAsOneWithoutTheSessionCookie() throws {
    let h = try ExchangeHarness(runtime: .testing(routes: Self.routes, session: Self.settings))
    h.worker.authenticators[.session] = FakeAuthenticator(
      .allow(AuthGrant(identityHeaders: [], method: "session", principalHash: nil)))
    h.clientSends(
      "GET / HTTP/1.1\r\nHost: a\r\nCookie: theme=dark\r\nAccept: */*\r\n"
        + "Cookie: __Host-gatehouse=t; lang=en\r\n\r\n")
    let upstream = h.upstreamText
    XCTAssertTrue(upstream.contains("\r\ncookie: theme=dark; lang=en\r\n"), upstream)
    XCTAssertEqual(upstream.components(separatedBy: "\r\ncookie:").count, 2, "one Cookie field")
    XCTAssertFalse(upstream.contains("__Host-gatehouse"))
  }

  func testTheCSRFHeaderReachesTheCheckButNotTheApp() throws {
    let runtime = RuntimeConfig.testing(routes: Self.routes, session: Self.settings)
    let h = try ExchangeHarness(runtime: runtime)
    let authenticator = FakeAuthenticator(
      .allow(
        AuthGrant(
          identityHeaders: [("X-CSRF-Token", "gatehouse-made")], method: "session", principalHash: nil)))
    h.worker.authenticators[.session] = authenticator
    h.clientSends(
      "POST /form HTTP/1.1\r\nHost: a\r\nX-CSRF-Token: client-sent\r\nCookie: __Host-gatehouse=t\r\n"
        + "Content-Length: 0\r\n\r\n")
    let seen = try XCTUnwrap(authenticator.requests.first)
    XCTAssertEqual(seen.csrfToken.map { String(decoding: $0, as: UTF8.self) }, "client-sent")
    XCTAssertFalse(h.upstreamText.contains("client-sent"))
    XCTAssertTrue(h.upstreamText.contains("\r\nX-CSRF-Token: gatehouse-made\r\n"))
  }

  func testForwardedFieldsAreBelievedOnlyFromATrustedProxy() throws {
    let request = """
      GET / HTTP/1.1\r
      Host: app\r
      X-Forwarded-For: 203.0.113.9\r
      X-Forwarded-Proto: https\r
      X-Forwarded-Host: public.example\r
      \r

      """
    let untrusted = try ExchangeHarness()
    untrusted.clientSends(request)
    XCTAssertTrue(untrusted.upstreamText.contains("x-forwarded-for: 192.0.2.7\r\n"))
    XCTAssertTrue(untrusted.upstreamText.contains("x-forwarded-proto: http\r\n"))
    XCTAssertTrue(untrusted.upstreamText.contains("x-forwarded-host: app\r\n"))
    XCTAssertFalse(untrusted.upstreamText.contains("203.0.113.9"))

    let trusted = try ExchangeHarness(runtime: .testing(trustedProxies: [CIDR("192.0.2.0/24")!]))
    trusted.clientSends(request)
    XCTAssertTrue(trusted.upstreamText.contains("x-forwarded-for: 203.0.113.9, 192.0.2.7\r\n"))
    XCTAssertTrue(trusted.upstreamText.contains("x-forwarded-proto: https\r\n"))
    XCTAssertTrue(trusted.upstreamText.contains("x-forwarded-host: public.example\r\n"))
  }

  func testHopByHopAndNominatedFieldsAreNotForwarded() throws {
    let h = try ExchangeHarness()
    h.clientSends(
      "GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, X-Secret\r\nX-Secret: s\r\nTE: trailers\r\nVia: 1.1 edge\r\n\r\n"
    )
    XCTAssertFalse(h.upstreamText.lowercased().contains("x-secret"))
    XCTAssertFalse(h.upstreamText.lowercased().contains("te: trailers"))
    XCTAssertFalse(h.upstreamText.lowercased().contains("connection:"))
    XCTAssertTrue(h.upstreamText.contains("\r\nVia: 1.1 edge\r\n"))
  }
}
