import Sessions

/// One breaker slot's store-call histograms: the round trip, and the same calls by operation.
/// One writer (the slot's worker loop), any reader (the scrape). Thread-safe for that split.
final class RedisCallDurations: Sendable {
  let roundtrip = WorkerHistogram(buckets: RedisCallDurationFamilies.buckets)
  /// In `BreakerSessionStore.Operation.allCases` order.
  let commands = BreakerSessionStore.Operation.allCases.map { _ in
    WorkerHistogram(buckets: RedisCallDurationFamilies.buckets)
  }

  /// Loop thread of the slot's worker only.
  func record(nanos: UInt64, operation: BreakerSessionStore.Operation) {
    roundtrip.record(nanos: nanos)
    commands[Self.index(of: operation)].record(nanos: nanos)
  }

  private static func index(of operation: BreakerSessionStore.Operation) -> Int {
    switch operation {
    case .create: 0
    case .load: 1
    case .touch: 2
    case .rotate: 3
    case .destroy: 4
    case .revokeAll: 5
    case .list: 6
    }
  }
}
