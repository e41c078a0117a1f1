import Config
import EventLoop
import HTTP1
import Net
import XCTest

@testable import Proxy

/// Every timeout of an exchange, on the harness's clock (no sleeping): what it answers and
/// whether the connection survives. `RuntimeConfig.testing` uses header 10 s, idle 60 s,
/// connect 5 s, response 30 s; linger is 2 s.
final class ExchangeTimeoutTests: XCTestCase {
  func testHeaderTimeoutAnswers408ToAStartedHead() throws {
    let h = try ExchangeHarness()
    h.clientSends("GET / HTTP/1.1\r\nHost: a\r\n")
    h.advance(by: 9 * second)
    XCTAssertEqual(h.clientText, "", "not yet")
    h.advance(by: 1 * second)
    XCTAssertEqual(ExchangeTests.statuses(h.clientText), [408])
    XCTAssertTrue(h.clientText.contains("connection: close"))
    XCTAssertEqual(h.state, .closing)
    XCTAssertEqual(h.loggedRequests, 1)
  }

  func testHeaderTimeoutOnANewConnectionWithoutBytesJustCloses() throws {
    let h = try ExchangeHarness()
    h.advance(by: 10 * second)
    XCTAssertTrue(h.closed)
    XCTAssertEqual(h.clientText, "")
    XCTAssertEqual(h.loggedRequests, 0)
  }

  func testIdleTimeoutClosesAKeptConnection() throws {
    let h = try ExchangeHarness()
    h.clientSends("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    h.upstreamSends(ExchangeTests.ok)
    XCTAssertEqual(h.exchange.timeout.kind, .idle)
    h.advance(by: 59 * second)
    XCTAssertFalse(h.closed)
    h.advance(by: 1 * second)
    XCTAssertTrue(h.closed)
    XCTAssertEqual(h.loggedRequests, 1, "the idle close is not a request")
  }

  func testConnectTimeoutIsA502() throws {
    let h = try ExchangeHarness()
    h.upstreamPlans = [.fresh(connected: false)]
    h.clientSends("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    h.advance(by: 5 * second)
    XCTAssertEqual(ExchangeTests.statuses(h.clientText), [502])
    XCTAssertEqual(h.releases, [false])
    XCTAssertEqual(h.state, .awaitingHead)
  }

  func testResponseTimeoutIsA504AndProgressPushesItOut() throws {
    let h = try ExchangeHarness()
    h.clientSends("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    h.advance(by: 20 * second)
    h.upstreamSends("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab")
    h.advance(by: 20 * second)
    XCTAssertFalse(h.closed, "bytes moved 20 s ago: the timeout measures silence")
    h.advance(by: 10 * second)
    XCTAssertTrue(h.closed, "the response had started: nothing can be answered, only closed")

    let silent = try ExchangeHarness()
    silent.clientSends("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    silent.advance(by: 30 * second)
    XCTAssertEqual(ExchangeTests.statuses(silent.clientText), [504])
    XCTAssertEqual(silent.releases, [false])
  }

  /// A client that holds back its body meets the body's deadline (`body_timeout`, 20 s) before
  /// the response timeout (30 s): its fault, answered 408 while nothing was answered yet.
  func testAClientHoldingBackItsBodyMeetsTheBodyDeadline() throws {
    let h = try ExchangeHarness()
    h.clientSends("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc")
    h.advance(by: 19 * second)
    XCTAssertEqual(h.clientText, "", "before body_timeout")
    h.advance(by: 1 * second)
    XCTAssertEqual(h.exchange.context.error?.kind, .headerTimeout)
    XCTAssertEqual(ExchangeTests.statuses(h.clientText), [408])
    XCTAssertEqual(h.releases, [false], "the upstream saw a partial body: never reused")
  }

  /// One byte every 1.5 s used to re-arm the response timeout forever; the body's deadline
  /// grows only by one second per `body_min_rate` (500) bytes, so the trickle ends at ~20 s.
  func testATricklingBodyEndsAtItsDeadline() throws {
    let h = try ExchangeHarness()
    h.clientSends("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n")
    var elapsed: UInt64 = 0
    while h.clientText.isEmpty && elapsed < 60 * second {
      h.advance(by: 3 * second / 2)
      elapsed += 3 * second / 2
      if h.clientText.isEmpty { h.clientSends("x") }
    }
    XCTAssertLessThanOrEqual(elapsed, 21 * second, "the trickle was answered at about body_timeout")
    XCTAssertEqual(ExchangeTests.statuses(h.clientText), [408])
  }

  /// A body at a usable rate is never cut: 500 bytes a second earn a second a second.
  func testASteadyBodyOutlivesBodyTimeout() throws {
    let h = try ExchangeHarness()
    h.clientSends("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 30000\r\n\r\n")
    for _ in 0..<30 {
      h.advance(by: 1 * second)
      h.clientSends(String(repeating: "y", count: 1000))
    }
    XCTAssertEqual(h.clientText, "", "30 s of 1,000 bytes a second")
    h.upstreamSends("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    XCTAssertEqual(ExchangeTests.statuses(h.clientText), [200])
  }

  func testTunnelClosesAfterIdleTimeoutWithoutTraffic() throws {
    let h = try ExchangeHarness()
    h.clientSends("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
    h.upstreamSends("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
    h.advance(by: 50 * second)
    h.clientSends("ping")
    h.advance(by: 50 * second)
    XCTAssertFalse(h.closed, "traffic 50 s ago")
    h.advance(by: 10 * second)
    XCTAssertTrue(h.closed)
    XCTAssertEqual(h.releases, [false])
  }

  func testLingerEndsAConnectionWhoseClientDoesNotClose() throws {
    let h = try ExchangeHarness()
    h.clientSends("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
    h.upstreamSends(ExchangeTests.ok)
    XCTAssertEqual(h.exchange.timeout.kind, .linger)
    h.clientSends("late bytes")
    XCTAssertEqual(h.exchange.clientIn.readable, 0, "dropped while lingering")
    h.advance(by: 2 * second)
    XCTAssertTrue(h.closed)
  }

  /// A phase that waits longer than the header timeout: the connection closes (the timeout of
  /// the head still runs until the request reaches the upstream).
  func testHeaderTimeoutWhileAPhaseWaitsCloses() throws {
    let h = try ExchangeHarness(runtime: .testing(routes: ExchangeTests.routes))
    let authenticator = FakeAuthenticator()
    h.worker.authenticators[.jwt] = authenticator
    h.clientSends("GET /api/x HTTP/1.1\r\nHost: a\r\n\r\n")
    XCTAssertEqual(h.state, .waitingForAnswer(.authenticate))
    h.advance(by: 10 * second)
    XCTAssertTrue(h.closed)
    XCTAssertEqual(h.exchange.context.status, 499)
    authenticator.answer(FakeAuthenticator.allow)
    XCTAssertEqual(h.opens, 0, "a late answer for a closed connection is dropped")
  }
}
