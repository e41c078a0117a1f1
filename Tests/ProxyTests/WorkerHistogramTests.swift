import Prometheus
import XCTest

@testable import Proxy

/// `WorkerHistogram` + `HistogramFamily` must expose exactly what a swift-prometheus
/// `DurationHistogram` family with the same records exposes: the `/metrics` text did not change
/// when the request path stopped taking swift-prometheus's lock.
final class WorkerHistogramTests: XCTestCase {
  private let buckets: [Duration] = [.microseconds(500), .milliseconds(1), .milliseconds(2.5), .seconds(1)]

  /// Values below, on and between the bounds, above the last one, zero, and large sums.
  private let records: [[UInt64]] = [
    [0, 1, 499_999, 500_000, 500_001, 1_000_000, 2_500_000, 2_500_001, 999_999_999, 1_000_000_000],
    [1_000_000_001, 7_250_000_123, 42, 750_000],
  ]

  func testExpositionEqualsSwiftPrometheusForTheSameRecords() {
    let registry = PrometheusCollectorRegistry()
    var series: [(worker: Int, histogram: WorkerHistogram)] = []
    for (worker, values) in records.enumerated() {
      let reference = registry.durationHistogram(
        "t_duration_seconds", labels: [("worker", String(worker))], buckets: buckets, help: #"Help \ text."#)
      let histogram = WorkerHistogram(buckets: buckets)
      for value in values {
        reference.record(.nanoseconds(Int64(value)))
        histogram.record(nanos: value)
      }
      series.append((worker, histogram))
    }
    var ours: [UInt8] = []
    HistogramFamily(name: "t_duration_seconds", help: #"Help \ text."#, buckets: buckets)
      .append(series: series, to: &ours)
    let expected = String(decoding: registry.emitToBuffer(), as: UTF8.self)
    let actual = String(decoding: ours, as: UTF8.self)
    // The same lines; swift-prometheus orders its series by a hash, so compare per series.
    XCTAssertEqual(Set(actual.split(separator: "\n")), Set(expected.split(separator: "\n")))
    XCTAssertEqual(actual.split(separator: "\n").count, expected.split(separator: "\n").count)
    XCTAssertTrue(
      actual.hasPrefix("# HELP t_duration_seconds Help \\\\ text.\n# TYPE t_duration_seconds histogram\n"))
    XCTAssertTrue(actual.contains(#"t_duration_seconds_bucket{worker="0",le="0.0005"} 4"#), actual)
    XCTAssertTrue(actual.contains(#"t_duration_seconds_count{worker="1"} 4"#), actual)
  }

  func testSnapshotIsCumulativeAndCountsEveryRecord() {
    let histogram = WorkerHistogram(buckets: buckets)
    for value in records[0] { histogram.record(nanos: value) }
    let (cumulative, sum) = histogram.snapshot()
    XCTAssertEqual(cumulative, [4, 6, 7, 10, 10])
    XCTAssertEqual(sum, records[0].reduce(0, +))
  }

  func testAFamilyWithoutSeriesWritesNothing() {
    var buffer: [UInt8] = []
    HistogramFamily(name: "t", help: "h", buckets: buckets).append(series: [], to: &buffer)
    XCTAssertEqual(buffer, [])
  }
}
