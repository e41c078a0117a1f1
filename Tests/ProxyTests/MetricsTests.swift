import HTTP1
import XCTest

@testable import Proxy

/// Parses Prometheus text exposition into `series line → value` (`name{labels}` exactly as
/// emitted), so tests read values the way a scraper would.
enum Exposition {
  static func parse(_ bytes: [UInt8]) -> [String: Double] {
    var result: [String: Double] = [:]
    for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
      guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
        continue
      }
      result[String(line[..<space])] = value
    }
    return result
  }
}

final class MetricsTests: XCTestCase {
  private func context(_ method: HTTPMethod, status: Int, route: Int) -> RequestContext {
    var context = RequestContext()
    context.method = method
    context.status = status
    context.routeIndex = route
    context.startNanos = 1_000_000
    context.upstreamStartNanos = 1_100_000
    context.upstreamHeadNanos = 1_600_000
    return context
  }

  func testLabelClasses() {
    let methods: [(HTTPMethod, String)] = [
      (.get, "read"), (.head, "read"), (.options, "read"), (.post, "write"), (.put, "write"),
      (.patch, "write"), (.delete, "write"), (.trace, "other"), (.connect, "other"), (.other, "other"),
    ]
    for (method, expected) in methods {
      XCTAssertEqual(MetricLabels.methodClasses[MetricLabels.methodClass(method)], expected, "\(method)")
    }
    let statuses: [(Int, String)] = [
      (101, "1xx"), (200, "2xx"), (204, "2xx"), (304, "3xx"), (401, "4xx"), (499, "4xx"), (502, "5xx"),
      (599, "5xx"), (0, "5xx"),
    ]
    for (status, expected) in statuses {
      XCTAssertEqual(
        MetricLabels.statusClasses[MetricLabels.statusClass(status)], expected, "status \(status)")
    }
    let reasons: [(String, String)] = [
      ("conflictingContentLength", "conflictingContentLength"), ("bareLF", "bareLF"),
      ("chunked body over limit", "body_too_large"), ("content-length 99999999", "body_too_large"),
      ("something new", "other"),
    ]
    for (reason, expected) in reasons {
      XCTAssertEqual(MetricLabels.parseReasons[MetricLabels.parseReasonIndex(reason)], expected, reason)
    }
  }

  func testScrapeSumsWorkersAndAdvancesByDelta() {
    let connections = AtomicCounterArray(count: 1)
    let metrics = GatehouseMetrics(activeConnections: { Int(connections.load(0)) })
    let slots = metrics.routeSlots.slots(for: ["app", "api"])
    XCTAssertEqual(slots, [1, 2])
    let worker0 = metrics.makeWorkerMetrics(index: 0)
    let worker1 = metrics.makeWorkerMetrics(index: 1)
    let appRead2xx = #"gatehouse_requests_total{route="app",method_class="read",status_class="2xx"}"#
    let apiWrite5xx = #"gatehouse_requests_total{route="api",method_class="write",status_class="5xx"}"#
    let noRoute4xx = #"gatehouse_requests_total{route="-",method_class="read",status_class="4xx"}"#

    let before = Exposition.parse(metrics.scrape())
    XCTAssertNil(before[appRead2xx], "series appear once non-zero")

    for _ in 0..<3 {
      worker0.requestFinished(context(.get, status: 200, route: 0), routeSlot: slots[0], now: 2_000_000)
    }
    for _ in 0..<4 {
      worker1.requestFinished(context(.head, status: 204, route: 0), routeSlot: slots[0], now: 2_000_000)
    }
    worker1.requestFinished(context(.post, status: 502, route: 1), routeSlot: slots[1], now: 2_000_000)
    worker0.requestFinished(
      context(.get, status: 401, route: -1), routeSlot: RouteSlots.noRoute, now: 2_000_000)
    worker0.parseRejected("conflictingContentLength")
    worker1.parseRejected("conflictingContentLength")
    worker1.timedOut(.header)
    worker0.upstreamRetried()
    worker0.publishPool(idle: 3, busy: 1)
    worker1.publishPool(idle: 2, busy: 0)
    connections.set(0, 5)
    metrics.configReloaded(success: true)
    metrics.configReloaded(success: false)
    metrics.configReloaded(success: false)

    let first = Exposition.parse(metrics.scrape())
    let expected: [(String, Double)] = [
      (appRead2xx, 7), (apiWrite5xx, 1), (noRoute4xx, 1),
      (#"gatehouse_parse_rejections_total{reason="conflictingContentLength"}"#, 2),
      (#"gatehouse_timeouts_total{kind="header"}"#, 1),
      ("gatehouse_upstream_retries_total", 1),
      (#"gatehouse_upstream_pool_connections{state="idle"}"#, 5),
      (#"gatehouse_upstream_pool_connections{state="busy"}"#, 1),
      ("gatehouse_client_connections", 5),
      (#"gatehouse_config_reloads_total{result="success"}"#, 1),
      (#"gatehouse_config_reloads_total{result="failure"}"#, 2),
      (#"gatehouse_request_duration_seconds_count{worker="0"}"#, 4),
      (#"gatehouse_request_duration_seconds_count{worker="1"}"#, 5),
      (#"gatehouse_request_duration_seconds_bucket{worker="0",le="0.001"}"#, 4),
      (#"gatehouse_request_duration_seconds_bucket{worker="0",le="0.0005"}"#, 0),
      (#"gatehouse_upstream_response_duration_seconds_count{worker="1"}"#, 5),
      (#"gatehouse_upstream_response_duration_seconds_bucket{worker="1",le="0.0005"}"#, 5),
    ]
    for (series, value) in expected {
      XCTAssertEqual(first[series], value, "first scrape: \(series)")
    }

    // A second scrape without traffic changes no counter; new traffic adds exactly its count.
    XCTAssertEqual(Exposition.parse(metrics.scrape())[appRead2xx], 7, "idempotent scrape")
    for _ in 0..<5 {
      worker1.requestFinished(context(.get, status: 200, route: 0), routeSlot: slots[0], now: 2_000_000)
    }
    XCTAssertEqual(Exposition.parse(metrics.scrape())[appRead2xx], 12, "delta of 5")
  }

  func testRouteSlotsAreStableAcrossReloads() {
    let slots = RouteSlots()
    XCTAssertEqual(slots.slots(for: ["a", "b"]), [1, 2])
    XCTAssertEqual(slots.slots(for: ["b", "c", "a"]), [2, 3, 1], "reordered routes keep their slots")
    XCTAssertEqual(slots.snapshot(), ["-", "a", "b", "c"])
    let many = (0..<300).map { "r\($0)" }
    let assigned = slots.slots(for: many)
    XCTAssertEqual(assigned.max(), RouteSlots.capacity - 1, "overflow shares the last slot")
    XCTAssertEqual(slots.snapshot().last, "_other")
    XCTAssertEqual(slots.snapshot().count, RouteSlots.capacity)
  }

  /// Refusals count per route and reason; kinds that are not authentication refusals (a store
  /// outage, a session limit) do not.
  func testAuthFailuresByRouteAndReason() {
    let metrics = GatehouseMetrics()
    let slots = metrics.routeSlots.slots(for: ["app"])
    let worker = metrics.makeWorkerMetrics(index: 0)
    let cases: [(ProxyError.Kind, Int)] = [
      (.unauthorized, slots[0]), (.unauthorized, slots[0]), (.loginRequired, slots[0]),
      (.csrfFailed, slots[0]), (.forbidden, slots[0]), (.unauthorized, RouteSlots.noRoute),
      (.storeUnavailable, slots[0]), (.sessionLimit, slots[0]),
    ]
    for (kind, slot) in cases { worker.authenticationRefused(kind, routeSlot: slot) }
    let scraped = Exposition.parse(metrics.scrape())
    let failures = scraped.filter { $0.key.hasPrefix("gatehouse_auth_failures_total") }
    XCTAssertEqual(
      failures,
      [
        #"gatehouse_auth_failures_total{route="app",reason="unauthenticated"}"#: 2,
        #"gatehouse_auth_failures_total{route="app",reason="login_required"}"#: 1,
        #"gatehouse_auth_failures_total{route="app",reason="csrf"}"#: 1,
        #"gatehouse_auth_failures_total{route="app",reason="forbidden"}"#: 1,
        #"gatehouse_auth_failures_total{route="-",reason="unauthenticated"}"#: 1,
      ])
  }
}
