import Config
import EventLoop
import HTTP1
import Net
import XCTest

@testable import Proxy

/// The trace, route, response-rewrite and logging phases, each on its own.
final class PhaseTests: XCTestCase {
  static let parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

  /// Runs strip and trace on `fields`.
  private func traced(_ fields: [String], worker: Worker) throws -> RequestContext {
    let request = try ParsedRequest(
      "GET / HTTP/1.1\r\nHost: a\r\n" + fields.map { $0 + "\r\n" }.joined() + "\r\n")
    var context = RequestContext(runtime: .testing())
    _ = StripPhase().run(&context, request.view())
    XCTAssertEqual(worker.pipeline.trace.run(&context, request.view()).isProceed, true)
    return context
  }

  func testTraceContext() throws {
    let h = try ExchangeHarness()
    let cases: [(name: String, fields: [String], continues: Bool, requestID: String?)] = [
      ("no trace, no id", [], false, nil),
      ("valid traceparent", ["traceparent: \(Self.parent)"], true, nil),
      ("invalid traceparent", ["traceparent: 00-xyz"], false, nil),
      ("first valid of two", ["traceparent: 00-bad", "traceparent: \(Self.parent)"], true, nil),
      ("well-formed request id", ["X-Request-Id: req-42"], false, "req-42"),
      ("request id with a quote", ["X-Request-Id: a\"b"], false, nil),
      ("first well-formed of two", ["x-request-id: a b", "X-Request-Id: second"], false, "second"),
    ]
    for c in cases {
      let context = try traced(c.fields, worker: h.worker)
      XCTAssertEqual(context.traceParentValid, c.continues, c.name)
      if c.continues {
        XCTAssertEqual(context.traceIDString, "4bf92f3577b34da6a3ce929d0e0e4736", c.name)
        XCTAssertEqual(context.traceFlags, 1, c.name)
      } else {
        XCTAssertNotEqual(context.traceHigh, 0, "\(c.name): a new trace")
      }
      XCTAssertNotEqual(context.spanID, 0x00f0_67aa_0ba9_02b7, "\(c.name): a span of our own")
      XCTAssertNotEqual(context.spanID, 0, c.name)
      if let id = c.requestID {
        XCTAssertEqual(context.requestIDString, id, c.name)
      } else {
        XCTAssertEqual(context.requestIDString.count, 32, "\(c.name): a generated id")
      }
    }
  }

  func testTracestateIsForwardedOnlyWithAValidTraceparent() throws {
    let valid = try ExchangeHarness()
    valid.clientSends("GET / HTTP/1.1\r\nHost: a\r\ntraceparent: \(Self.parent)\r\ntracestate: k=v\r\n\r\n")
    XCTAssertTrue(valid.upstreamText.contains("\r\ntracestate: k=v\r\n"))
    XCTAssertTrue(valid.upstreamText.contains("\r\ntraceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-"))
    XCTAssertFalse(valid.upstreamText.contains("00f067aa0ba902b7"), "the parent span is replaced by ours")

    let invalid = try ExchangeHarness()
    invalid.clientSends("GET / HTTP/1.1\r\nHost: a\r\ntraceparent: bad\r\ntracestate: k=v\r\n\r\n")
    XCTAssertFalse(invalid.upstreamText.contains("tracestate"))
  }

  func testRouteSelection() throws {
    let routes = [
      CompiledRoute(name: "health", path: "/healthz", exact: true, methods: ["GET"], auth: .publicAccess),
      CompiledRoute(name: "api-write", path: "/api", exact: false, methods: ["POST", "PURGE"], auth: .jwt),
      CompiledRoute(name: "api", path: "/api", exact: false, methods: [], auth: .publicAccess),
    ]
    let h = try ExchangeHarness(runtime: .testing(routes: routes))
    let cases: [(request: String, route: String?)] = [
      ("GET /healthz", "health"),
      ("HEAD /healthz", nil),
      ("GET /healthz/more", nil),
      ("POST /api/orders", "api-write"),
      ("PURGE /api/cache", "api-write"),
      ("GET /api/orders", "api"),
      ("GET /apix", "api"),
      ("GET /", nil),
    ]
    for c in cases {
      let request = try ParsedRequest(c.request + " HTTP/1.1\r\nHost: a\r\n\r\n")
      var context = RequestContext(runtime: .testing(routes: routes))
      let result = h.worker.pipeline.route.run(&context, request.view())
      if let route = c.route {
        XCTAssertEqual(result.isProceed, true, c.request)
        XCTAssertEqual(routes[context.routeIndex].name, route, c.request)
      } else {
        XCTAssertEqual(context.routeIndex, -1, c.request)
        guard case .answer(let error, _) = result else { return XCTFail("\(c.request): no answer") }
        XCTAssertEqual(error.status, 401, c.request)
      }
    }
    XCTAssertEqual(h.log.lines().filter { $0.contains("\"kind\":\"no_route\"") }.count, 3)
  }

  func testResponseRewrite() throws {
    let h = try ExchangeHarness()
    h.clientSends("GET / HTTP/1.1\r\nHost: a\r\nX-Request-Id: rid-1\r\n\r\n")
    h.upstreamSends(
      "HTTP/1.1 200 Fine\r\nConnection: close, X-Hop\r\nX-Hop: 1\r\nGatehouse-Debug: x\r\nX-Request-Id: app-made\r\n"
        + "Content-Length: 2\r\nX-App: kept\r\n\r\nok")
    let text = h.clientText
    XCTAssertTrue(
      text.hasPrefix("HTTP/1.1 200 Fine\r\nX-App: kept\r\ncontent-length: 2\r\nX-Request-Id: rid-1\r\n"),
      text.debugDescription)
    XCTAssertFalse(text.contains("X-Hop"))
    XCTAssertFalse(text.contains("Gatehouse-Debug"), "control headers never reach the client")
    XCTAssertFalse(text.contains("app-made"))
    XCTAssertEqual(h.releases, [false], "the upstream said close")
  }

  func testResponseHeadTooLargeForTheClientBufferIsA502() throws {
    let h = try ExchangeHarness(runtime: .testing(), clientBuffer: 4096)
    h.clientSends("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    h.upstreamSends(
      "HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "b", count: 5000) + "\r\nContent-Length: 0\r\n\r\n")
    XCTAssertEqual(ExchangeTests.statuses(h.clientText), [502], "no torn head before the answer")
  }

  func testLoggingRunsExactlyOncePerRequest() throws {
    let h = try ExchangeHarness(runtime: .testing(accessLog: true))
    h.clientSends("GET /a HTTP/1.1\r\nHost: a\r\n\r\n")
    h.upstreamSends(ExchangeTests.ok)
    // Cut off mid-response: the close logs the request, nothing logs it again.
    h.clientSends("GET /b HTTP/1.1\r\nHost: a\r\n\r\n")
    h.upstreamSends("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
    h.clientCloses()
    h.upstreamCloses()
    h.advance(by: 100 * second)
    var context = h.exchange.context
    h.worker.pipeline.finish(&context, now: h.now)
    let access = h.log.lines().filter { $0.contains("\"event\":\"access\"") }
    XCTAssertEqual(access.count, 2, "\(access)")
    XCTAssertTrue(access[0].contains("\"path\":\"/a\"") && access[0].contains("\"status\":200"))
    XCTAssertTrue(access[1].contains("\"path\":\"/b\""))
    XCTAssertEqual(h.loggedRequests, 2)
  }

  /// A rejected head after a request with a body: its access line must not carry the body
  /// bytes of the request before it.
  func testRejectedHeadLogsNoBodyBytesOfTheRequestBefore() throws {
    let h = try ExchangeHarness(runtime: .testing(accessLog: true))
    h.clientSends("POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello")
    h.upstreamSends(ExchangeTests.ok)
    h.clientSends("GET /b HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")
    let access = h.log.lines().filter { $0.contains("\"event\":\"access\"") }
    XCTAssertEqual(access.count, 2)
    XCTAssertTrue(access[0].contains("\"bytes_in\":5"), access[0])
    XCTAssertTrue(access[1].contains("\"status\":400") && access[1].contains("\"bytes_in\":0"), access[1])
  }

  func testSpoofedHeadersAreReportedOnceForARequestThatReachedTheApp() throws {
    let h = try ExchangeHarness()
    h.clientSends("GET / HTTP/1.1\r\nHost: a\r\nX-User-Id: m\r\nX-Auth-Role: r\r\n\r\n")
    h.upstreamSends(ExchangeTests.ok)
    let events = h.log.lines().filter { $0.contains("\"kind\":\"spoofed_header\"") }
    XCTAssertEqual(events.count, 1)
    XCTAssertTrue(events[0].contains("\"count\":2"))
  }
}

extension PhaseResult {
  var isProceed: Bool {
    if case .proceed = self { return true }
    return false
  }
}
