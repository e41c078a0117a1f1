import Prometheus

/// A histogram family whose series are `WorkerHistogram`s (label `worker`), rendered at scrape
/// time in the Prometheus text format exactly as swift-prometheus renders a `DurationHistogram`
/// family (`# HELP`, `# TYPE`, `_bucket{…,le=…}` per bound and `+Inf`, `_sum`, `_count`; the
/// bound and sum spelled by `Duration.bucketRepresentation`). The families stay out of the
/// registry so that the request path never takes swift-prometheus's lock.
/// Thread-safe (immutable; the histograms are atomics).
struct HistogramFamily: Sendable {
  let name: String
  let help: String
  private let bucketLabels: [String]

  init(name: String, help: String, buckets: [Duration]) {
    self.name = name
    self.help = help
    bucketLabels = buckets.map(\.bucketRepresentation) + ["+Inf"]
  }

  /// Appends the family, one series per `(worker index, histogram)`; nothing without series
  /// (as an unregistered family).
  func append(series: [(worker: Int, histogram: WorkerHistogram)], to buffer: inout [UInt8]) {
    append(summed: series.map { (#"worker="\#($0.worker)""#, [$0.histogram]) }, to: &buffer)
  }

  /// Appends the family, one series per label set (rendered `key="value",…`; empty: a series
  /// without labels), each the sum of its histograms (one per worker); nothing without series.
  func append(summed series: [(labels: String, histograms: [WorkerHistogram])], to buffer: inout [UInt8]) {
    guard !series.isEmpty else { return }
    buffer.append(contentsOf: "# HELP \(name) ".utf8)
    for byte in help.utf8 {
      if byte == UInt8(ascii: "\\") { buffer.append(contentsOf: #"\\"#.utf8) } else { buffer.append(byte) }
    }
    buffer.append(contentsOf: "\n# TYPE \(name) histogram\n".utf8)
    for (labels, histograms) in series {
      var cumulative = [UInt64](repeating: 0, count: bucketLabels.count)
      var sumNanos: UInt64 = 0
      for histogram in histograms {
        let (counts, sum) = histogram.snapshot()
        for (bucket, count) in counts.enumerated() { cumulative[bucket] &+= count }
        sumNanos &+= sum
      }
      let bucketPrefix = labels.isEmpty ? "" : labels + ","
      for (label, count) in zip(bucketLabels, cumulative) {
        buffer.append(contentsOf: #"\#(name)_bucket{\#(bucketPrefix)le="\#(label)"} \#(count)"#.utf8)
        buffer.append(UInt8(ascii: "\n"))
      }
      let sum = Duration.nanoseconds(Int64(truncatingIfNeeded: sumNanos)).bucketRepresentation
      let series = labels.isEmpty ? "" : "{\(labels)}"
      buffer.append(contentsOf: "\(name)_sum\(series) \(sum)\n".utf8)
      buffer.append(contentsOf: "\(name)_count\(series) \(cumulative.last ?? 0)\n".utf8)
    }
  }
}
