import Config
import EventLoop
import HTTP1
import Net
import Prometheus
import Sessions
import XCTest

@testable import Proxy

/// Phases that wait: authentication answered later (a key fetch, a store round trip), the
/// session lifecycle's store writes, and the form body a CSRF check needs.
final class ExchangeSuspensionTests: XCTestCase {
  func testAuthenticationAnsweredLaterResumesTheRequest() throws {
    let h = try ExchangeHarness(runtime: .testing(routes: ExchangeTests.routes))
    let authenticator = FakeAuthenticator()
    h.worker.authenticators[.jwt] = authenticator
    h.clientSends("GET /api/orders HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer abc\r\n\r\n")
    XCTAssertEqual(h.state, .waitingForAnswer(.authenticate))
    XCTAssertEqual(h.exchange.interest.client, [], "no reading while the phase waits")
    XCTAssertEqual(h.opens, 0)
    XCTAssertEqual(
      authenticator.requests.first.map { String(decoding: $0.authorization ?? [], as: UTF8.self) },
      "Bearer abc")

    authenticator.answer(FakeAuthenticator.allow)
    XCTAssertEqual(h.state, .proxying)
    XCTAssertEqual(h.opens, 1)
    XCTAssertTrue(h.upstreamText.contains("\r\nX-User-Id: alice\r\n"), "the grant's identity header")
    XCTAssertEqual(h.exchange.interest.client, [.read])
    h.upstreamSends(ExchangeTests.ok)
    XCTAssertEqual(ExchangeTests.statuses(h.clientText), [200])
    XCTAssertEqual(h.loggedRequests, 1)
  }

  func testAuthenticationRefusedLaterIsAnsweredAndTheConnectionKept() throws {
    let h = try ExchangeHarness(runtime: .testing(routes: ExchangeTests.routes))
    let authenticator = FakeAuthenticator()
    h.worker.authenticators[.jwt] = authenticator
    h.clientSends("GET /api/orders HTTP/1.1\r\nHost: a\r\n\r\n")
    authenticator.answer(FakeAuthenticator.deny)
    XCTAssertEqual(ExchangeTests.statuses(h.clientText), [401])
    XCTAssertTrue(h.clientText.contains("WWW-Authenticate: Bearer\r\n"))
    XCTAssertEqual(h.state, .awaitingHead)
    XCTAssertEqual(h.opens, 0)
  }

  func testAnAnswerForAnEarlierRequestIsDropped() throws {
    let h = try ExchangeHarness(runtime: .testing(routes: ExchangeTests.routes))
    let authenticator = FakeAuthenticator()
    h.worker.authenticators[.jwt] = authenticator
    h.clientSends("GET /api/1 HTTP/1.1\r\nHost: a\r\n\r\n")
    authenticator.answer(FakeAuthenticator.allow)
    h.upstreamSends(ExchangeTests.ok)
    // A second, stale answer for the first request (the service called back twice).
    h.clientSends("GET /api/2 HTTP/1.1\r\nHost: a\r\n\r\n")
    let stale = h.exchange.generation - 1
    h.resume(generation: stale) { $0.authentication = .answered(FakeAuthenticator.deny) }
    XCTAssertEqual(h.state, .waitingForAnswer(.authenticate), "the stale answer changed nothing")
    authenticator.answer(FakeAuthenticator.allow)
    XCTAssertEqual(h.state, .proxying)
  }

  /// `Gatehouse-Login` from the app: the lifecycle creates the session in a store that answers
  /// later; the response waits (the request body does not) and goes out with the new cookie.
  func testLifecycleWaitsForTheStoreThenAddsTheCookie() throws {
    let settings = SessionSettings(keys: [Secret(String(repeating: "k", count: 32))])
    let runtime = RuntimeConfig.testing(session: settings)
    let h = try ExchangeHarness(runtime: runtime)
    let service = try SessionService(settings: settings, registry: PrometheusCollectorRegistry())
    let store = HeldSessionStore()
    h.worker.sessionLifecycle = SessionLifecycle(service: service, store: store, securityLog: { _, _ in })

    h.clientSends("POST /login HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nuser")
    h.upstreamSends("HTTP/1.1 200 OK\r\nGatehouse-Login: alice\r\nContent-Length: 2\r\n\r\nok")
    XCTAssertEqual(h.exchange.responseStage, .waitingForAnswer(.lifecycle))
    XCTAssertEqual(h.clientText, "", "nothing goes out before the session exists")
    XCTAssertEqual(store.waiting, 1)

    store.release()
    XCTAssertTrue(h.clientText.hasPrefix("HTTP/1.1 200 OK\r\n"))
    XCTAssertTrue(h.clientText.contains("Set-Cookie: __Host-gatehouse="), h.clientText)
    XCTAssertFalse(h.clientText.contains("Gatehouse-Login"), "control headers never reach the client")
    XCTAssertTrue(h.clientText.hasSuffix("ok"))
    XCTAssertEqual(h.state, .awaitingHead)
    XCTAssertEqual(h.loggedRequests, 1)
  }

  func testInvalidLifecycleHeaderIsA502() throws {
    let settings = SessionSettings(keys: [Secret(String(repeating: "k", count: 32))])
    let h = try ExchangeHarness(runtime: .testing(session: settings))
    let service = try SessionService(settings: settings, registry: PrometheusCollectorRegistry())
    h.worker.sessionLifecycle = SessionLifecycle(
      service: service, store: HeldSessionStore(), securityLog: { _, _ in })
    h.clientSends("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    h.upstreamSends("HTTP/1.1 200 OK\r\nGatehouse-Logout: sometimes\r\nContent-Length: 0\r\n\r\n")
    XCTAssertEqual(ExchangeTests.statuses(h.clientText), [502])
    XCTAssertEqual(h.releases, [false])
  }

  /// An unsafe request on a session route without a CSRF header: the form body is read first
  /// (it stays in the buffer and is forwarded afterwards), then authentication sees it.
  func testCSRFFormBodyIsReadBeforeAuthentication() throws {
    let settings = SessionSettings(keys: [Secret(String(repeating: "k", count: 32))])
    let routes = [CompiledRoute(name: "app", path: "/", exact: false, methods: [], auth: .session)]
    let h = try ExchangeHarness(runtime: .testing(routes: routes, session: settings))
    let authenticator = FakeAuthenticator(FakeAuthenticator.allow)
    h.worker.authenticators[.session] = authenticator
    let form = "csrf_token=abc&x=1"
    h.clientSends(
      "POST /form HTTP/1.1\r\nHost: a\r\nCookie: __Host-gatehouse=t\r\n"
        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(form.utf8.count)\r\n\r\ncsrf_"
    )
    XCTAssertEqual(h.state, .waitingForBody(.authenticate, bytes: form.utf8.count))
    XCTAssertEqual(authenticator.requests.count, 0)
    h.clientSends("token=abc&x=1")
    XCTAssertEqual(authenticator.requests.count, 1)
    XCTAssertEqual(authenticator.requests.first?.formBody, Array(form.utf8))
    XCTAssertTrue(h.upstreamText.hasSuffix("\r\n\r\n" + form), "the body still reaches the app")
  }
}
