/// Cumulative counters at one moment (monotonic `time`, ns), or the difference of two such
/// moments: what happened in a window. Immutable.
struct HealthSample: Sendable, Equatable {
  var time: UInt64
  var storeCalls: UInt64 = 0
  var storeErrors: UInt64 = 0
  /// Per `StoreCallStats.bounds` bucket, plus the overflow bucket.
  var storeLatencyBuckets: [UInt64] = []
  var cacheHits: UInt64 = 0
  var cacheMisses: UInt64 = 0
  var upstreamConnectFailures: UInt64 = 0

  /// What happened between `earlier` and this sample.
  func since(_ earlier: HealthSample) -> HealthSample {
    var buckets = storeLatencyBuckets
    if earlier.storeLatencyBuckets.count == buckets.count {
      for index in buckets.indices { buckets[index] &-= earlier.storeLatencyBuckets[index] }
    }
    return HealthSample(
      time: time &- earlier.time, storeCalls: storeCalls &- earlier.storeCalls,
      storeErrors: storeErrors &- earlier.storeErrors, storeLatencyBuckets: buckets,
      cacheHits: cacheHits &- earlier.cacheHits, cacheMisses: cacheMisses &- earlier.cacheMisses,
      upstreamConnectFailures: upstreamConnectFailures &- earlier.upstreamConnectFailures)
  }

  /// The latency (ns) below which `quantile` of the calls fell: the upper bound of the bucket
  /// holding that call (nil without calls; the last bucket reports twice the last bound).
  func storeLatency(quantile: Double) -> UInt64? {
    let total = storeLatencyBuckets.reduce(0, +)
    guard total > 0 else { return nil }
    let rank = UInt64((Double(total) * quantile).rounded(.up))
    var seen: UInt64 = 0
    for (index, count) in storeLatencyBuckets.enumerated() {
      seen += count
      if seen >= rank {
        return index < StoreCallStats.bounds.count
          ? StoreCallStats.bounds[index] : StoreCallStats.bounds[StoreCallStats.bounds.count - 1] * 2
      }
    }
    return nil
  }
}
