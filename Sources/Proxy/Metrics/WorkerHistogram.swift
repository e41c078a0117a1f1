/// One worker's duration histogram: per-bucket counts and the sum in single-writer atomics, so
/// a record on the request path is a bucket scan plus two relaxed load/store pairs — no lock,
/// no read-modify-write instruction, no `Duration` arithmetic (a swift-prometheus
/// `DurationHistogram.record` takes a mutex and updates every bucket cumulatively: ~500
/// instructions). The scrape (admin thread) reads the atomics and renders the series in the
/// text swift-prometheus writes (`HistogramFamily`).
///
/// Thread-safe for that split: one writer (the worker's loop thread), any number of readers.
/// A scrape that races a record may see the bucket counted before the sum grew; the counts are
/// always consistent with each other (cumulative buckets, `_count` equal to `+Inf`).
final class WorkerHistogram: @unchecked Sendable {
  /// Number of finite buckets.
  let bucketCount: Int
  /// The finite buckets' upper bounds in nanoseconds, ascending; a value equal to a bound is in
  /// its bucket (Prometheus `le`). Immutable after `init`.
  private let bounds: UnsafeMutablePointer<UInt64>
  /// `[bucket 0 …, bucket n-1, above the last bound, sum of nanoseconds]`, not cumulative.
  private let cells: AtomicCounterArray

  init(buckets: [Duration]) {
    bucketCount = buckets.count
    bounds = .allocate(capacity: max(1, buckets.count))
    for (index, bucket) in buckets.enumerated() {
      let (seconds, attoseconds) = bucket.components
      precondition(seconds >= 0 && attoseconds >= 0, "negative bucket")
      (bounds + index).initialize(to: UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000))
      precondition(index == 0 || bounds[index - 1] < bounds[index], "buckets must ascend")
    }
    cells = AtomicCounterArray(count: buckets.count + 2)
  }

  deinit { bounds.deallocate() }

  /// Loop thread only.
  @inline(__always)
  func record(nanos: UInt64) {
    var bucket = 0
    while bucket < bucketCount && nanos > bounds[bucket] { bucket &+= 1 }
    cells.add(bucket)
    cells.add(bucketCount &+ 1, nanos)
  }

  /// Any thread: the cumulative count per bucket (`bucketCount + 1` values, the last is `+Inf`:
  /// the total) and the sum in nanoseconds.
  func snapshot() -> (cumulative: [UInt64], sumNanos: UInt64) {
    var cumulative = [UInt64]()
    cumulative.reserveCapacity(bucketCount + 1)
    var running: UInt64 = 0
    for bucket in 0...bucketCount {
      running &+= cells.load(bucket)
      cumulative.append(running)
    }
    return (cumulative, cells.load(bucketCount + 1))
  }
}
