import EventLoop
import Sessions

/// One breaker slot's `RedisMetrics` (a worker's `[redis]` store, or its `[redis.target]`
/// store): the latency goes to the slot's own histograms (`RedisCallDurations`, written only on
/// that worker's loop), everything else to the shared families. Thread-safe as `RedisMetrics`,
/// provided only the slot's loop finishes calls through it.
final class RedisSlotMetrics: BreakerSessionStoreMetrics {
  let shared: RedisMetrics
  private let durations: RedisCallDurations
  /// `shared.clock`, held here: read through another object the existential is copied per call.
  private let clock: any Clock

  init(shared: RedisMetrics, durations: RedisCallDurations) {
    self.shared = shared
    self.durations = durations
    clock = shared.clock
  }

  func storeFailed(detail: String) { shared.storeFailed(detail: detail) }

  func refusedWhileOpen() { shared.refusedWhileOpen() }

  func breakerChanged(worker: Int, to state: BreakerSessionStore.State) {
    shared.breakerChanged(worker: worker, to: state)
  }

  func callStarted() -> UInt64 { clock.monotonicNanos() }

  func callFinished(startedAt: UInt64, operation: BreakerSessionStore.Operation) {
    let nanos = clock.monotonicNanos() &- startedAt
    durations.record(nanos: nanos, operation: operation)
    shared.storeStats.record(nanos: nanos, failed: false)
  }
}
