import Config
import XCTest

@testable import Proxy

/// `HealthEvaluator` as a table: inputs and thresholds in, status and reasons out.
final class HealthEvaluatorTests: XCTestCase {
  /// A window with `calls` store calls of which `errors` failed, `slow` of them past 10 ms, and
  /// the given L1 lookups.
  private func window(
    calls: UInt64 = 0, errors: UInt64 = 0, slow: UInt64 = 0, hits: UInt64 = 0, misses: UInt64 = 0
  )
    -> HealthSample
  {
    var buckets = [UInt64](repeating: 0, count: StoreCallStats.bounds.count + 1)
    buckets[3] = calls - slow  // ≤ 500 µs
    buckets[8] = slow  // ≤ 20 ms
    return HealthSample(
      time: 0, storeCalls: calls, storeErrors: errors, storeLatencyBuckets: buckets, cacheHits: hits,
      cacheMisses: misses)
  }

  private func inputs(
    listeners: Bool = true, issuerReady: Bool = true,
    store: HealthInputs.Store = .redis(problem: nil, probe: nil),
    window: HealthSample? = nil
  ) -> HealthInputs {
    HealthInputs(
      listenersReady: listeners,
      issuers: [.init(name: "https://login.example.com/", keyAgeSeconds: 3, ready: issuerReady)],
      store: store,
      window: window, cacheEnabled: true)
  }

  func testVerdicts() {
    let evaluator = HealthEvaluator(settings: HealthSettings(minSamples: 100))
    let cases: [(name: String, inputs: HealthInputs, status: HealthReport.Status, reason: String?)] = [
      ("all fine", inputs(window: window(calls: 1000, hits: 990, misses: 10)), .healthy, nil),
      ("listeners down", inputs(listeners: false), .unhealthy, "listeners"),
      ("issuer without keys", inputs(issuerReady: false), .degraded, "jwt_issuer https://login.example.com/"),
      (
        "store unavailable", inputs(store: .redis(problem: "no Redis connection ready", probe: nil)),
        .degraded, "store"
      ),
      (
        "probe failed",
        inputs(
          store: .redis(problem: nil, probe: StoreProbeResult(ok: false, nanos: 1, at: 0, detail: "timeout"))),
        .degraded, "store"
      ),
      (
        "p99 over 10 ms", inputs(window: window(calls: 1000, slow: 20, hits: 990, misses: 10)), .degraded,
        "store"
      ),
      (
        "p99 under the threshold", inputs(window: window(calls: 1000, slow: 5, hits: 990, misses: 10)),
        .healthy, nil
      ),
      (
        "error rate over 0.1 %", inputs(window: window(calls: 1000, errors: 2, hits: 990, misses: 10)),
        .degraded, "store"
      ),
      (
        "hit rate under 95 %", inputs(window: window(calls: 1000, hits: 900, misses: 100)), .degraded,
        "l1_cache"
      ),
      (
        "too few samples to judge", inputs(window: window(calls: 50, errors: 50, hits: 0, misses: 50)),
        .healthy, nil
      ),
      ("memory store", inputs(store: .memory, window: window(hits: 0, misses: 500)), .healthy, nil),
    ]
    for (name, inputs, status, reason) in cases {
      let report = evaluator.evaluate(inputs, now: 0)
      XCTAssertEqual(report.status, status, name)
      if let reason {
        XCTAssertTrue(report.reasons.contains { $0.hasPrefix(reason + ":") }, "\(name): \(report.reasons)")
      } else {
        XCTAssertEqual(report.reasons, [], name)
      }
      let json = try? JSONSerialization.jsonObject(with: Data(report.json())) as? [String: Any]
      XCTAssertEqual(json?["status"] as? String, status.rawValue, "\(name): the JSON parses")
    }
  }
}
