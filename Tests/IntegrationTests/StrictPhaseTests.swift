import Foundation
import XCTest

/// The strict choices that are request phases or exchange timeouts (docs/security.md): refused
/// methods, the request-body deadline, rate-limited security lines. Through the built binary.
final class StrictPhaseTests: GatehouseTestCase {
  func testTraceAndTrackAreRefusedUnlessConfigured() throws {
    let gatehouse = try startGatehouse()
    for method in ["TRACE", "TRACK"] {
      let before = upstream.requests.count
      let (response, _) = try send(gatehouse, method, "/echo-\(method)")
      XCTAssertEqual(response.status, 501, "\(method): \(response)")
      XCTAssertTrue(response.bodyText.contains("method_refused"), "\(method): \(response.bodyText)")
      assertNothingForwarded(after: before, method, through: gatehouse)
    }
    XCTAssertTrue(
      waitUntil(timeout: 10) { gatehouse.logs.contains("refused_method") },
      "security event: \(gatehouse.logs)"
    )
    let (get, forwarded) = try send(gatehouse, "GET", "/plain")
    XCTAssertEqual(get.status, 200)
    XCTAssertNotNil(forwarded)

    var config = ProxyConfig()
    config.limits = ["refused_methods = [\"PROPFIND\"]"]
    let open = try startGatehouse(config)
    let (trace, traced) = try send(open, "TRACE", "/trace-allowed")
    XCTAssertEqual(trace.status, 200, "TRACE with refused_methods = [\"PROPFIND\"]: \(trace)")
    XCTAssertEqual(traced?.method, "TRACE")
    XCTAssertEqual(try send(open, "PROPFIND", "/dav").response.status, 501)
  }

  /// One byte every 300 ms with `body_timeout = "1s"`: every byte used to re-arm the response
  /// timeout, so this went on forever; now the body's deadline ends it with 408.
  func testATricklingBodyMeetsItsDeadline() throws {
    var config = ProxyConfig()
    config.responseTimeout = "10s"
    config.limits = ["body_timeout = \"1s\"", "body_min_rate = 500"]
    let gatehouse = try startGatehouse(config)
    let client = try gatehouse.connect()
    try client.send("POST /trickle HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n")
    let start = Date()
    var answered: [UInt8] = []
    for _ in 0..<20 {
      do {
        try client.send("a")
      } catch {
        break  // Gatehouse closed the connection
      }
      if client.isClosedByPeer(timeout: 0.3) { break }
    }
    answered = (try? client.readUntilClose(timeout: 3)) ?? []
    let elapsed = Date().timeIntervalSince(start)
    XCTAssertLessThan(elapsed, 4, "the trickle was ended within body_timeout plus what it earned")
    let text = String(decoding: answered, as: UTF8.self)
    XCTAssertTrue(text.isEmpty || text.hasPrefix("HTTP/1.1 408"), "answer: \(text)")
    XCTAssertFalse(upstream.requests.contains { $0.target == "/trickle" }, "the app saw a complete request")
    let metrics = try adminGet(gatehouse, "/metrics")
    XCTAssertTrue(metrics.contains(#"gatehouse_timeouts_total{kind="body"} 1"#), metrics)
  }

  func testAFastBodyIsNotCutByTheDeadline() throws {
    var config = ProxyConfig()
    config.limits = ["body_timeout = \"1s\"", "body_min_rate = 500"]
    let gatehouse = try startGatehouse(config)
    let client = try gatehouse.connect()
    // 2,000 bytes in 4 pieces over ~1.2 s: past body_timeout, but 500 bytes a second earn 4 s.
    try client.send("POST /steady HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n")
    for _ in 0..<4 {
      try client.send(String(repeating: "b", count: 500))
      usleep(300_000)
    }
    XCTAssertEqual(try client.readResponse(requestMethod: "POST").status, 200)
    XCTAssertEqual(upstream.requests.last { $0.target == "/steady" }?.body.count, 2000)
  }

  func testSecurityLinesAreRateLimitedPerSourceAndCounted() throws {
    var config = ProxyConfig()
    config.routes = [("/open/", "public")]
    config.log = ["security_events_per_second = 1", "security_events_burst = 2"]
    let gatehouse = try startGatehouse(config)
    for index in 0..<12 {
      XCTAssertEqual(try send(gatehouse, "GET", "/closed/\(index)").response.status, 401)
    }
    let metrics = try adminGet(gatehouse, "/metrics")
    let dropped = metrics.split(separator: "\n").first {
      $0.hasPrefix("gatehouse_security_log_lines_dropped_total ")
    }
    let count = dropped.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
    // Two workers, each with its own burst of 2 (plus a refill of at most one per second).
    XCTAssertGreaterThanOrEqual(count, 6, "dropped lines counted: \(metrics)")
    // The log sink writes on its own thread: wait until every line that will be written is.
    var written = 0
    _ = waitUntil(timeout: 15) {
      written = gatehouse.logs.components(separatedBy: "\"no_route\"").count - 1
      return written + Int(count) >= 12
    }
    XCTAssertLessThanOrEqual(written, 6, "no_route lines written: \(gatehouse.logs)")
    XCTAssertEqual(written + Int(count), 12, "every event is either written or counted")
  }

  private func adminGet(_ gatehouse: GatehouseProcess, _ target: String) throws -> String {
    let client = try RawClient(port: gatehouse.adminPort)
    defer { client.close() }
    try client.sendRequest("GET", target, host: "127.0.0.1")
    return try client.readResponse().bodyText
  }
}
