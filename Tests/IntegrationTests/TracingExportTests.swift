import Foundation
import XCTest

/// Span export over OTLP/HTTP (docs/operations.md §5): a test collector receives the request's
/// server span with its `validate_session` and `upstream` children, under the trace id the app
/// saw in `traceparent` (sampled, flags `01`).
final class TracingExportTests: SessionTestCase {
  func testRequestSpanWithItsSessionValidationChildReachesTheCollector() throws {
    let receiver = try OTLPReceiver()
    var toml = sessionConfig()
    toml += "\n[tracing]\notlp_endpoint = \"\(receiver.endpoint)\"\nservice_name = \"gatehouse-test\"\n"
    let gatehouse = try startGatehouse(toml: toml)
    let ticket = try login(gatehouse, "ada").ticket
    let (response, forwarded) = try request(gatehouse, "GET", "/api/alive", ticket: ticket)
    XCTAssertEqual(response.status, 200)
    let traceparent = try XCTUnwrap(forwarded?.headers.value("traceparent"))
    let parts = traceparent.split(separator: "-").map(String.init)
    XCTAssertEqual(parts.count, 4)
    XCTAssertEqual(parts[3], "01", "a trace Gatehouse starts is sampled")
    let (traceID, spanID) = (parts[1], parts[2])

    var server: [String: Any]?
    XCTAssertTrue(
      waitUntil(timeout: 15) {
        server = receiver.spans.first {
          $0["traceId"] as? String == traceID && $0["spanId"] as? String == spanID
        }
        return server != nil
      }, "the request span reached the collector: \(receiver.spans)")
    XCTAssertEqual(server?["kind"] as? Int, 2, "a server span")
    XCTAssertNil(server?["parentSpanId"], "a root span: the trace started here")
    let attributes = (server?["attributes"] as? [[String: Any]] ?? []).reduce(into: [String: String]()) {
      let value = $1["value"] as? [String: Any]
      $0[$1["key"] as? String ?? ""] = value?["stringValue"] as? String ?? value?["intValue"] as? String
    }
    XCTAssertEqual(attributes["http.request.method"], "GET")
    XCTAssertEqual(attributes["url.path"], "/api/alive")
    XCTAssertEqual(attributes["http.response.status_code"], "200")
    XCTAssertNil(attributes["enduser.id"], "no user id unless record_user_id")
    let start = UInt64(server?["startTimeUnixNano"] as? String ?? "") ?? 0
    let end = UInt64(server?["endTimeUnixNano"] as? String ?? "") ?? 0
    XCTAssertGreaterThan(start, 1_600_000_000_000_000_000, "unix-nano start")
    XCTAssertGreaterThanOrEqual(end, start)

    let children = receiver.spans.filter { $0["parentSpanId"] as? String == spanID }
    let names = children.compactMap { $0["name"] as? String }.sorted()
    XCTAssertEqual(names, ["upstream", "validate_session"], "children of the request span")
    for child in children {
      XCTAssertEqual(child["traceId"] as? String, traceID)
      XCTAssertNotEqual(child["spanId"] as? String, spanID)
    }
    XCTAssertEqual(receiver.resourceAttributes["service.name"], "gatehouse-test")
    let metrics = try admin(gatehouse, "GET", "/metrics").body
    XCTAssertTrue(metrics.contains("gatehouse_spans_dropped_total 0"), "nothing dropped")
  }

  /// `parent_based_ratio` with `ratio = 0`: a trace Gatehouse starts is not sampled (flags `00`,
  /// no span); a sampled parent stays sampled and its span names the client's span as parent.
  func testRatioZeroSamplesOnlyWhatTheParentSampled() throws {
    let receiver = try OTLPReceiver()
    var toml = sessionConfig()
    toml += "\n[tracing]\notlp_endpoint = \"\(receiver.endpoint)\"\nratio = 0.0\n"
    let gatehouse = try startGatehouse(toml: toml)
    let (_, fresh) = try send(gatehouse, "GET", "/__probe")
    let freshParts = try XCTUnwrap(fresh?.headers.value("traceparent")).split(separator: "-").map(String.init)
    XCTAssertEqual(freshParts.last, "00", "a new trace is not sampled at ratio 0")

    let parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    let (_, continued) = try send(gatehouse, "GET", "/__probe", headers: [("traceparent", parent)])
    let parts = try XCTUnwrap(continued?.headers.value("traceparent")).split(separator: "-").map(String.init)
    XCTAssertEqual(parts.last, "01", "a sampled parent stays sampled")
    XCTAssertTrue(
      waitUntil(timeout: 15) {
        receiver.spans.contains {
          $0["spanId"] as? String == parts[2] && $0["parentSpanId"] as? String == "00f067aa0ba902b7"
        }
      }, "the continued trace's span arrives with the client's span as parent")
    XCTAssertFalse(
      receiver.spans.contains { $0["traceId"] as? String == freshParts[1] }, "no span for the unsampled trace"
    )
  }

  /// `record_user_id = true` puts the authenticated user on the server span as `enduser.id`.
  func testUserIDOnlyWhenConfigured() throws {
    let receiver = try OTLPReceiver()
    var toml = sessionConfig()
    toml += "\n[tracing]\notlp_endpoint = \"\(receiver.endpoint)\"\nrecord_user_id = true\n"
    let gatehouse = try startGatehouse(toml: toml)
    let ticket = try login(gatehouse, "bea").ticket
    let (_, forwarded) = try request(gatehouse, "GET", "/api/alive", ticket: ticket)
    let spanID = try XCTUnwrap(forwarded?.headers.value("traceparent")).split(separator: "-").map(
      String.init)[2]
    XCTAssertTrue(
      waitUntil(timeout: 15) {
        guard let span = receiver.spans.first(where: { $0["spanId"] as? String == spanID }) else {
          return false
        }
        return (span["attributes"] as? [[String: Any]] ?? []).contains {
          $0["key"] as? String == "enduser.id"
            && ($0["value"] as? [String: Any])?["stringValue"] as? String == "bea"
        }
      }, "enduser.id on the span: \(receiver.spans)")
  }
}
