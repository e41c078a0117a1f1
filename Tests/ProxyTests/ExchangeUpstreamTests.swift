import Config
import EventLoop
import HTTP1
import Net
import XCTest

@testable import Proxy

/// The upstream side of an exchange, with no socket: connects, the retry of a request a dead
/// pooled connection never saw, and an upstream that fails before or during its response.
final class ExchangeUpstreamTests: XCTestCase {
  func testFreshConnectionSendsTheHeadOnceConnected() throws {
    let h = try ExchangeHarness()
    h.upstreamPlans = [.fresh(connected: false)]
    h.clientSends("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    XCTAssertEqual(h.exchange.timeout.kind, .connect)
    XCTAssertEqual(h.upstreamText, "", "nothing is written before the connect completes")
    XCTAssertEqual(h.exchange.interest.upstream, [.write])
    h.upstreamConnects()
    XCTAssertTrue(h.upstreamText.hasPrefix("GET / HTTP/1.1\r\n"))
    XCTAssertEqual(h.exchange.timeout.kind, .response)
  }

  func testConnectFailureAfterTheHeadIsA502() throws {
    let h = try ExchangeHarness()
    h.upstreamPlans = [.fresh(connected: false)]
    h.clientSends("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    h.upstreamConnectFails()
    XCTAssertEqual(ExchangeTests.statuses(h.clientText), [502])
    XCTAssertEqual(h.releases, [false])
    XCTAssertEqual(h.state, .awaitingHead)
  }

  /// A pooled connection the upstream had closed: the write fails before a byte went out, so the
  /// request is sent again — once — on a fresh connection that takes over the unsent bytes.
  func testDeadPooledConnectionIsRetriedOnceOnAFreshOne() throws {
    let h = try ExchangeHarness()
    h.failNextUpstreamWrite = true
    h.clientSends("POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc")
    XCTAssertEqual(h.retries, 1)
    XCTAssertEqual(h.upstreamReceived.count, 2)
    XCTAssertEqual(h.upstreamReceived[0], [], "the dead connection got nothing")
    let resent = String(decoding: h.upstreamReceived[1], as: UTF8.self)
    XCTAssertTrue(resent.hasPrefix("POST /p HTTP/1.1\r\n"))
    XCTAssertTrue(resent.hasSuffix("\r\n\r\nabc"), "head and body reach the fresh connection")
    h.upstreamSends(ExchangeTests.ok)
    XCTAssertEqual(ExchangeTests.statuses(h.clientText), [200])
  }

  func testRetryHappensOnceAndNeverForAFreshConnection() throws {
    let twice = try ExchangeHarness()
    twice.clientSends("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    // The pooled connection took the bytes, then turned out closed: the upstream saw the request.
    twice.upstreamCloses()
    XCTAssertEqual(twice.retries, 0, "bytes were written: the request may have been seen")
    XCTAssertEqual(ExchangeTests.statuses(twice.clientText), [502])
    XCTAssertTrue(twice.clientText.contains("upstream_closed"))

    let fresh = try ExchangeHarness()
    fresh.upstreamPlans = [.fresh(connected: true)]
    fresh.failNextUpstreamWrite = true
    fresh.clientSends("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    XCTAssertEqual(fresh.retries, 0)
    XCTAssertEqual(ExchangeTests.statuses(fresh.clientText), [502])

    let refused = try ExchangeHarness()
    refused.failNextUpstreamWrite = true
    refused.retryPlan = .refused("connect: Connection refused")
    refused.clientSends("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    XCTAssertEqual(refused.retries, 1)
    XCTAssertEqual(refused.releases, [false], "the dead connection is discarded")
    XCTAssertEqual(ExchangeTests.statuses(refused.clientText), [502])
  }

  func testUpstreamClosingMidResponseClosesTheClient() throws {
    let h = try ExchangeHarness()
    h.clientSends("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    h.upstreamSends("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabcd")
    XCTAssertTrue(h.clientText.hasSuffix("abcd"))
    h.upstreamCloses()
    XCTAssertTrue(h.closed, "a truncated body must not look complete")
    XCTAssertEqual(h.releases, [false])
    XCTAssertEqual(h.exchange.context.error?.kind, .upstreamClosed)
    XCTAssertEqual(h.loggedRequests, 1)

    let chunked = try ExchangeHarness()
    chunked.clientSends("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    chunked.upstreamSends("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab")
    chunked.upstreamCloses()
    XCTAssertTrue(chunked.closed)
  }

  func testMalformedResponseHeadIsA502() throws {
    let h = try ExchangeHarness()
    h.clientSends("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    h.upstreamSends("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")
    XCTAssertEqual(ExchangeTests.statuses(h.clientText), [502])
    XCTAssertEqual(h.releases, [false])
    XCTAssertEqual(h.exchange.context.error?.kind, .upstreamProtocol)
  }

  func testSlowClientStopsTheUpstreamReadingWhenItsBufferIsFull() throws {
    let h = try ExchangeHarness()
    h.clientWindow = 0
    h.clientSends("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    let body = String(repeating: "x", count: 40000)
    h.upstreamSends("HTTP/1.1 200 OK\r\nContent-Length: 80000\r\n\r\n" + body)
    h.upstreamSends(body)
    XCTAssertEqual(h.exchange.clientOut.writable < 64, true, "the client buffer filled up")
    XCTAssertGreaterThan(h.upstreamIn?.readable ?? 0, 0, "the rest waits in the upstream buffer")
    h.clientWindow = nil
    h.clientDrains()
    XCTAssertEqual(h.state, .awaitingHead)
    XCTAssertEqual(h.exchange.context.bytesOut, 80000)
  }
}
