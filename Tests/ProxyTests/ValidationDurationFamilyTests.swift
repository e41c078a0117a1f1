import Prometheus
import XCTest

@testable import Proxy

/// `gatehouse_session_validation_duration_seconds` left the swift-prometheus registry (its
/// histogram's lock cost ~600 instructions per session request) for per-worker series: the
/// exposition must read exactly as the registry's did for the same records — one series per
/// method and result, summed over workers, no `worker` label.
final class ValidationDurationFamilyTests: XCTestCase {
  /// Per worker: (method, result index, nanoseconds).
  private let records: [[(String, Int, UInt64)]] = [
    [
      ("session", 0, 4_000), ("session", 0, 5_000), ("session", 1, 21_000), ("jwt", 0, 99_999),
      ("session", 2, 0),
    ],
    [("session", 0, 5_001), ("jwt", 1, 50_000_001), ("session", 0, 1_999_999), ("jwt", 0, 100_000)],
  ]
  private let results = ["session": ["valid", "invalid", "unavailable"], "jwt": ["valid", "invalid"]]

  func testExpositionEqualsTheRegistryFamilyItReplaced() {
    let registry = PrometheusCollectorRegistry()
    var reference: [String: [DurationHistogram]] = [:]
    for method in ["jwt", "session"] {
      reference[method] = results[method]!.map {
        registry.durationHistogram(
          ValidationDurations.name, labels: [("method", method), ("result", $0)],
          buckets: ValidationDurations.buckets, help: ValidationDurations.help)
      }
    }
    let family = ValidationDurationFamily()
    let jwt = family.durations(method: "jwt", results: results["jwt"]!, workers: 2)
    let session = family.durations(method: "session", results: results["session"]!, workers: 2)
    for (worker, list) in records.enumerated() {
      for (method, result, nanos) in list {
        reference[method]![result].record(.nanoseconds(Int64(nanos)))
        (method == "jwt" ? jwt : session)[worker].record(result: result, nanos: nanos)
      }
    }
    var ours: [UInt8] = []
    family.append(to: &ours)
    let expected = String(decoding: registry.emitToBuffer(), as: UTF8.self)
    let actual = String(decoding: ours, as: UTF8.self)
    // The same lines (swift-prometheus orders series by a hash), the header once.
    XCTAssertEqual(Set(actual.split(separator: "\n")), Set(expected.split(separator: "\n")))
    XCTAssertEqual(actual.split(separator: "\n").count, expected.split(separator: "\n").count)
    XCTAssertEqual(actual.components(separatedBy: "# TYPE").count, 2, actual)
    XCTAssertTrue(
      actual.contains(#"_count{method="session",result="valid"} 4"#), actual)
    XCTAssertTrue(actual.contains(#"_bucket{method="jwt",result="valid",le="0.0001"} 2"#), actual)
  }

  func testADeclaredMethodShowsZeroSeriesAndADeclarationAgainKeepsCounting() {
    let family = ValidationDurationFamily()
    var empty: [UInt8] = []
    family.append(to: &empty)
    XCTAssertEqual(empty, [], "no method declared: no family")
    let first = family.durations(method: "jwt", results: ["valid", "invalid"], workers: 1)
    var zero: [UInt8] = []
    family.append(to: &zero)
    XCTAssertTrue(String(decoding: zero, as: UTF8.self).contains(#"_count{method="jwt",result="invalid"} 0"#))
    first[0].record(valid: false, nanos: 7)
    // A reload asks again: the same series, not a second family.
    let again = family.durations(method: "jwt", results: ["valid", "invalid"], workers: 1)
    XCTAssertTrue(first[0] === again[0])
    var text: [UInt8] = []
    family.append(to: &text)
    let exposition = String(decoding: text, as: UTF8.self)
    XCTAssertTrue(exposition.contains(#"_count{method="jwt",result="invalid"} 1"#), exposition)
    XCTAssertEqual(exposition.components(separatedBy: "# HELP").count, 2)
  }
}
