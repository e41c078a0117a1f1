import Synchronization

/// Cumulative counts of session-store calls for `/health`: calls, failures and a latency
/// histogram with fixed bounds. Any worker records (relaxed atomic adds, one per call: store
/// calls are network round trips, not per-byte work); the health sampler reads. Thread-safe.
final class StoreCallStats: @unchecked Sendable {
  /// Upper bounds (ns) of the latency buckets; a last bucket holds everything slower.
  static let bounds: [UInt64] = [
    50_000, 100_000, 200_000, 500_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000, 20_000_000,
    50_000_000, 100_000_000, 200_000_000, 500_000_000, 1_000_000_000,
  ]
  /// calls, errors, then one counter per bucket.
  private let counters: UnsafeMutablePointer<Atomic<UInt64>>
  private let count = 2 + StoreCallStats.bounds.count + 1

  init() {
    counters = .allocate(capacity: count)
    for index in 0..<count { (counters + index).initialize(to: Atomic<UInt64>(0)) }
  }

  deinit {
    counters.deinitialize(count: count)
    counters.deallocate()
  }

  /// One call that took `nanos` (a failed call counts in the histogram too: a timeout is slow).
  func record(nanos: UInt64, failed: Bool) {
    counters[0].wrappingAdd(1, ordering: .relaxed)
    if failed { counters[1].wrappingAdd(1, ordering: .relaxed) }
    var bucket = 0
    while bucket < Self.bounds.count && nanos > Self.bounds[bucket] { bucket += 1 }
    counters[2 + bucket].wrappingAdd(1, ordering: .relaxed)
  }

  /// A call already recorded failed (the breaker learns the outcome after the latency).
  func recordError() { counters[1].wrappingAdd(1, ordering: .relaxed) }

  /// A call refused without reaching the store (breaker open): a failure, no latency.
  func recordRefused() {
    counters[0].wrappingAdd(1, ordering: .relaxed)
    counters[1].wrappingAdd(1, ordering: .relaxed)
  }

  var calls: UInt64 { counters[0].load(ordering: .relaxed) }
  var errors: UInt64 { counters[1].load(ordering: .relaxed) }
  var buckets: [UInt64] { (0...Self.bounds.count).map { counters[2 + $0].load(ordering: .relaxed) } }
}
