import Config
import EventLoop
import HTTP1
import Net
import XCTest

@testable import Proxy

/// The exchange state machine with no socket: byte sequences and events in, actions and bytes
/// out (`ExchangeHarness` plays the driver). Keep-alive, pipelining, local answers, and what
/// happens to the body of a request answered early.
final class ExchangeTests: XCTestCase {
  static let ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"

  /// Status codes of the responses in `text`, in order.
  static func statuses(_ text: String) -> [Int] {
    text.components(separatedBy: "HTTP/1.1 ").dropFirst().compactMap { Int($0.prefix(3)) }
  }

  func testKeepAliveReusesTheConnectionAndThePooledUpstream() throws {
    let h = try ExchangeHarness()
    h.clientSends("GET /a HTTP/1.1\r\nHost: app\r\n\r\n")
    XCTAssertEqual(h.opens, 1)
    XCTAssertEqual(h.state, .proxying)
    XCTAssertTrue(
      h.upstreamText.hasPrefix("GET /a HTTP/1.1\r\nHost: app\r\nx-forwarded-for: 192.0.2.7\r\n"),
      h.upstreamText)
    XCTAssertEqual(h.exchange.interest, ExchangeInterest(client: [.read], upstream: [.read]))

    h.upstreamSends(Self.ok)
    XCTAssertEqual(h.releases, [true], "a complete keep-alive response gives the connection back")
    XCTAssertEqual(h.state, .awaitingHead)
    XCTAssertTrue(
      h.clientText.hasPrefix("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nX-Request-Id: "), h.clientText)
    XCTAssertTrue(h.clientText.hasSuffix("\r\n\r\nhi"))
    XCTAssertFalse(h.clientText.contains("connection: close"))
    XCTAssertEqual(h.exchange.timeout.kind, .idle)

    h.clientSends("GET /b HTTP/1.1\r\nHost: app\r\n\r\n")
    h.upstreamSends(Self.ok)
    XCTAssertEqual(h.opens, 2)
    XCTAssertEqual(h.releases, [true, true])
    XCTAssertEqual(Self.statuses(h.clientText), [200, 200])
    XCTAssertEqual(h.loggedRequests, 2)
    XCTAssertFalse(h.closed)
  }

  func testTwoRequestsInOneReadAreAnsweredInOrder() throws {
    let h = try ExchangeHarness()
    h.clientSends("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n")
    XCTAssertEqual(h.opens, 1, "the second request waits for the first")
    XCTAssertFalse(h.upstreamText.contains("GET /2"))
    h.upstreamSends("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none")
    XCTAssertEqual(h.opens, 2, "the buffered request starts as soon as the first is done")
    XCTAssertTrue(h.upstreamText.contains("GET /2 HTTP/1.1"))
    h.upstreamSends("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo")
    XCTAssertTrue(h.clientText.hasSuffix("one") == false)
    let one = try XCTUnwrap(h.clientText.range(of: "\r\n\r\none"))
    let two = try XCTUnwrap(h.clientText.range(of: "\r\n\r\ntwo"))
    XCTAssertLessThan(one.lowerBound, two.lowerBound)
    XCTAssertEqual(h.loggedRequests, 2)
  }

  func testClientConnectionCloseEndsAfterTheResponse() throws {
    let h = try ExchangeHarness()
    h.clientSends("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
    h.upstreamSends(Self.ok)
    XCTAssertTrue(h.clientText.contains("connection: close\r\n"))
    XCTAssertEqual(h.state, .closing)
    XCTAssertTrue(h.clientShut, "half-closed once the answer is out")
    h.clientCloses()
    XCTAssertTrue(h.closed)
    XCTAssertEqual(h.loggedRequests, 1)
  }

  /// Every answer Gatehouse gives itself: status, whether the connection is kept, and that the
  /// request never reached the app.
  func testLocalAnswers() throws {
    struct Case {
      let name: String
      var runtime: RuntimeConfig = .testing(routes: ExchangeTests.routes, maxBodyBytes: 10)
      let request: String
      var authenticator: FakeAuthenticator? = nil
      var plans: [ExchangeHarness.UpstreamPlan] = []
      let status: Int
      let keepsConnection: Bool
    }
    let cases: [Case] = [
      Case(
        name: "malformed (two Content-Length)",
        request: "GET /public HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        status: 400,
        keepsConnection: false),
      Case(
        name: "request line too long",
        request: "GET /public/" + String(repeating: "a", count: 9000) + " HTTP/1.1\r\n",
        status: 414, keepsConnection: false),
      Case(
        name: "header section too large",
        request: "GET /public HTTP/1.1\r\nHost: a\r\nX-Big: " + String(repeating: "b", count: 17000) + "\r\n",
        status: 431, keepsConnection: false),
      Case(
        name: "no route", request: "GET /private HTTP/1.1\r\nHost: a\r\n\r\n", status: 401,
        keepsConnection: true),
      Case(
        name: "token refused", request: "GET /api/x HTTP/1.1\r\nHost: a\r\n\r\n",
        authenticator: FakeAuthenticator(FakeAuthenticator.deny), status: 401, keepsConnection: true),
      Case(
        name: "token with the wrong audience", request: "GET /api/x HTTP/1.1\r\nHost: a\r\n\r\n",
        authenticator: FakeAuthenticator(.deny(ProxyError(.forbidden, .downstream, "jwt aud"), headers: [])),
        status: 403, keepsConnection: true),
      Case(
        name: "declared body over the limit",
        request: "POST /public HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n", status: 413,
        keepsConnection: false),
      Case(
        name: "upstream refuses the connect", request: "GET /public HTTP/1.1\r\nHost: a\r\n\r\n",
        plans: [.refused("connect: Connection refused")], status: 502, keepsConnection: true),
      Case(
        name: "session store down", request: "GET /api/x HTTP/1.1\r\nHost: a\r\n\r\n",
        authenticator: FakeAuthenticator(
          .deny(ProxyError(.storeUnavailable, .internal, "session store"), headers: [("Retry-After", "1")])),
        status: 503, keepsConnection: true),
    ]
    for c in cases {
      let h = try ExchangeHarness(runtime: c.runtime)
      if let authenticator = c.authenticator { h.worker.authenticators[.jwt] = authenticator }
      h.upstreamPlans = c.plans
      h.clientSends(c.request)
      XCTAssertEqual(Self.statuses(h.clientText), [c.status], c.name)
      XCTAssertTrue(h.clientText.contains("\"status\":\(c.status)"), "\(c.name): JSON body")
      XCTAssertEqual(h.clientText.contains("connection: close"), !c.keepsConnection, c.name)
      XCTAssertEqual(h.state, c.keepsConnection ? .awaitingHead : .closing, c.name)
      XCTAssertEqual(h.upstreamText, "", "\(c.name): nothing reached the app")
      XCTAssertEqual(h.loggedRequests, 1, c.name)
    }
  }

  static let routes = [
    CompiledRoute(name: "public", path: "/public", exact: false, methods: [], auth: .publicAccess),
    CompiledRoute(name: "api", path: "/api", exact: false, methods: [], auth: .jwt),
  ]

  /// CL.0: a request answered before its body was read. The body must be read and dropped (it
  /// would otherwise be taken for the next request), or the connection closed.
  func testBodyOfAnEarlyAnswerIsDrainedOrTheConnectionCloses() throws {
    let smuggled = "GET /public/admin HTTP/1.1\r\nHost: a\r\n\r\n"
    let runtime = RuntimeConfig.testing(routes: Self.routes)

    // Small body: drained, the connection is kept, the next real request is served.
    let h = try ExchangeHarness(runtime: runtime)
    h.clientSends("POST /private HTTP/1.1\r\nHost: a\r\nContent-Length: \(smuggled.utf8.count)\r\n\r\n")
    XCTAssertEqual(h.state, .drainingBody)
    h.clientSends(smuggled)
    XCTAssertEqual(h.state, .awaitingHead)
    XCTAssertEqual(h.opens, 0, "the body was not taken for a request")
    h.clientSends("GET /public/next HTTP/1.1\r\nHost: a\r\n\r\n")
    h.upstreamSends(Self.ok)
    XCTAssertEqual(Self.statuses(h.clientText), [401, 200])
    XCTAssertFalse(h.upstreamText.contains("/public/admin"))
    XCTAssertTrue(h.upstreamText.contains("/public/next"))

    // Chunked body: decoded and dropped the same way.
    let chunked = try ExchangeHarness(runtime: runtime)
    chunked.clientSends(
      "POST /private HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        + String(smuggled.utf8.count, radix: 16) + "\r\n" + smuggled + "\r\n0\r\n\r\n")
    XCTAssertEqual(chunked.state, .awaitingHead)
    XCTAssertEqual(chunked.opens, 0)
    XCTAssertEqual(Self.statuses(chunked.clientText), [401])

    // A body larger than the drain limit is not read: the connection closes after the answer.
    let large = try ExchangeHarness(runtime: runtime)
    large.clientSends("POST /private HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n" + smuggled)
    XCTAssertTrue(large.clientText.contains("connection: close"))
    XCTAssertEqual(large.state, .closing)
    XCTAssertEqual(large.opens, 0)

    // Expect: 100-continue: the client may not send the body at all; close rather than wait.
    let expecting = try ExchangeHarness(runtime: runtime)
    expecting.clientSends(
      "POST /private HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
    XCTAssertTrue(expecting.clientText.contains("connection: close"))
    XCTAssertEqual(expecting.state, .closing)
  }

  func testUpstreamAnsweringBeforeTheWholeBodyClosesTheClientAfterTheResponse() throws {
    let h = try ExchangeHarness()
    h.clientSends("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc")
    h.upstreamSends("HTTP/1.1 413 Too Large\r\nContent-Length: 0\r\n\r\n")
    XCTAssertEqual(h.releases, [false], "the upstream connection has a half-sent body")
    XCTAssertEqual(ExchangeTests.statuses(h.clientText), [413])
    XCTAssertEqual(h.state, .closing, "the rest of the body cannot be told from a next request")
  }

  func testRequestBodyIsRelayedAndChunkedBodyRechunked() throws {
    let h = try ExchangeHarness()
    h.clientSends("POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhel")
    h.clientSends("lo")
    XCTAssertTrue(h.upstreamText.hasSuffix("\r\n\r\nhello"))
    h.upstreamSends(Self.ok)

    h.clientSends(
      "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n0\r\nX-Trailer: t\r\n\r\n"
    )
    XCTAssertTrue(h.upstreamText.contains("transfer-encoding: chunked\r\n"))
    XCTAssertTrue(
      h.upstreamText.hasSuffix("\r\n\r\n3\r\nabc\r\n0\r\n\r\n"), "extensions and trailers dropped")
    h.upstreamSends(Self.ok)
    XCTAssertEqual(Self.statuses(h.clientText), [200, 200])
  }

  func testChunkedBodyOverTheLimitIsRefusedMidRequest() throws {
    let h = try ExchangeHarness(runtime: .testing(maxBodyBytes: 4))
    h.clientSends("POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n0\r\n\r\n")
    XCTAssertEqual(Self.statuses(h.clientText), [413])
    XCTAssertEqual(h.releases, [false])
    XCTAssertEqual(h.state, .closing)
  }

  func testResponseBodiesInEveryFraming() throws {
    let h = try ExchangeHarness()
    h.clientSends("GET /chunked HTTP/1.1\r\nHost: a\r\n\r\n")
    h.upstreamSends("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n")
    XCTAssertTrue(
      h.clientText.hasSuffix(
        "transfer-encoding: chunked\r\nX-Request-Id: \(requestID(h))\r\n\r\n2\r\nhi\r\n0\r\n\r\n"),
      h.clientText)
    XCTAssertEqual(h.releases, [true])

    let untilClose = try ExchangeHarness()
    untilClose.clientSends("GET /stream HTTP/1.1\r\nHost: a\r\n\r\n")
    untilClose.upstreamSends("HTTP/1.1 200 OK\r\n\r\nabc")
    untilClose.upstreamCloses()
    XCTAssertTrue(untilClose.clientText.hasSuffix("\r\n\r\n3\r\nabc\r\n0\r\n\r\n"), "re-chunked for HTTP/1.1")
    XCTAssertEqual(untilClose.releases, [false])

    let old = try ExchangeHarness()
    old.clientSends("GET /stream HTTP/1.0\r\n\r\n")
    old.upstreamSends("HTTP/1.1 200 OK\r\n\r\nabc")
    old.upstreamCloses()
    XCTAssertTrue(old.clientText.hasSuffix("\r\n\r\nabc"), "raw until close for HTTP/1.0")
    XCTAssertEqual(old.state, .closing)

    let head = try ExchangeHarness()
    head.clientSends("HEAD /x HTTP/1.1\r\nHost: a\r\n\r\n")
    head.upstreamSends("HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n")
    XCTAssertTrue(head.clientText.contains("Content-Length: 42\r\n"), "a HEAD answer keeps its size")
    XCTAssertEqual(head.state, .awaitingHead)
  }

  func testInterimResponsesAreRelayedBeforeTheFinalOne() throws {
    let h = try ExchangeHarness()
    h.clientSends("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    h.upstreamSends(
      "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    XCTAssertEqual(Self.statuses(h.clientText), [103, 200])
    XCTAssertEqual(h.loggedRequests, 1)
  }

  func testUpgradeBecomesATunnelUntilBothSidesClose() throws {
    let h = try ExchangeHarness()
    h.clientSends("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
    XCTAssertTrue(h.upstreamText.contains("connection: upgrade\r\nupgrade: websocket\r\n"))
    h.upstreamSends("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
    XCTAssertEqual(h.state, .tunnel)
    XCTAssertEqual(h.exchange.timeout.kind, .tunnel)
    h.clientSends("ping")
    XCTAssertTrue(h.upstreamText.hasSuffix("ping"))
    h.upstreamSends("pong")
    XCTAssertTrue(h.clientText.hasSuffix("pong"))
    h.clientCloses()
    XCTAssertTrue(h.upstreamShut, "the client's end is passed on")
    h.upstreamCloses()
    XCTAssertTrue(h.clientShut)
    XCTAssertTrue(h.closed)
    XCTAssertEqual(h.loggedRequests, 1)
  }

  func testA101WithoutUpgradeRequestIsAProtocolError() throws {
    let h = try ExchangeHarness()
    h.clientSends("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    h.upstreamSends("HTTP/1.1 101 Switching Protocols\r\n\r\n")
    XCTAssertEqual(Self.statuses(h.clientText), [502])
    XCTAssertEqual(h.releases, [false])
  }

  func testLeadingEmptyLineIsNotForwarded() throws {
    let h = try ExchangeHarness()
    h.clientSends("\r\nPUT /x HTTP/1.1\r\nHost: a\r\n\r\n")
    XCTAssertTrue(h.upstreamText.hasPrefix("PUT /x HTTP/1.1\r\n"), h.upstreamText)
  }

  func testDrainClosesAnIdleConnectionAndABusyOneAfterItsExchange() throws {
    let idle = try ExchangeHarness()
    idle.drain()
    XCTAssertTrue(idle.closed)

    let busy = try ExchangeHarness()
    busy.clientSends("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    busy.drain()
    XCTAssertFalse(busy.closed)
    busy.upstreamSends(Self.ok)
    XCTAssertTrue(busy.clientText.contains("connection: close"))
    XCTAssertEqual(busy.state, .closing)
  }

  private func requestID(_ h: ExchangeHarness) -> String {
    String(h.exchange.context.requestIDString)
  }
}
