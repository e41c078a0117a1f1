/// One sample per second of one dashboard series (requests/s, p99, …) for the last `capacity`
/// seconds, in a `RingBuffer`. A second without a sample (no traffic to measure a latency, or
/// a sampler that ran late) is kept as a gap, so the sparkline's x axis stays true time. A
/// plain value; `TrafficHistory` owns it.
struct SecondSeries: Sendable {
  private var ring: RingBuffer<Double>
  /// The second of the newest sample (on the sampler's clock), nil before the first.
  private(set) var lastSecond: Int64?

  init(capacity: Int) { ring = RingBuffer(capacity: capacity) }

  var capacity: Int { ring.capacity }

  /// Records `value` (nil = nothing measurable) for `second`. Seconds skipped since the last
  /// sample become gaps; a second already recorded is overwritten; an older one is ignored.
  mutating func record(_ value: Double?, at second: Int64) {
    let stored = value.flatMap { $0.isFinite ? $0 : nil } ?? .nan
    if let last = lastSecond {
      if second < last { return }
      if second == last {
        ring.replaceNewest(stored)
        return
      }
      let gaps = min(second - last - 1, Int64(ring.capacity))
      for _ in 0..<gaps { ring.append(.nan) }
    }
    ring.append(stored)
    lastSecond = second
  }

  /// Oldest first; nil where there was no sample.
  var samples: [Double?] { ring.elements.map { $0.isNaN ? nil : $0 } }

  /// The newest sample, nil when it was a gap or there is none.
  var latest: Double? { ring.newest.flatMap { $0.isNaN ? nil : $0 } }
}
