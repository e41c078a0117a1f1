import EventLoop
import Prometheus
import Sessions
import Synchronization

/// Redis families (`gatehouse_redis_*`): errors by kind, timeouts, the circuit breaker's state
/// (the worst over workers: 0 closed, 1 half-open, 2 open), store round-trip latency, the
/// invalidations received for the L1 cache, lookups by the node role that answered them (and
/// whether a replica's miss or failure sent them to the master), and, on a Redis Cluster, the
/// commands sent to each node. swift-prometheus objects lock on their own; the per-worker breaker
/// states sit under a Mutex (changed only on transitions); the latency histograms are per breaker
/// slot (`RedisCallDurationFamilies`: each worker's breaker records through its
/// `RedisSlotMetrics`). Thread-safe.
final class RedisMetrics: Sendable {
  enum ErrorKind: String, CaseIterable {
    case timeout, disconnected, connect, overloaded, server, breakerOpen = "breaker_open", other
  }

  private let errors: [Counter]
  private let timeouts: Counter
  private let breakerState: Gauge
  private let invalidations: Counter
  /// `gatehouse_redis_roundtrip_seconds` and `gatehouse_redis_command_duration_seconds{operation}`
  /// (by `BreakerSessionStore.Operation`; a create or rotation includes its `WAIT`), per breaker
  /// slot.
  let durations: [RedisCallDurations]
  /// The same calls for `/health`'s window (store p99 and error rate).
  let storeStats = StoreCallStats()
  private let workerStates: Mutex<[Int]>
  /// By `RedisLoadPath`: master, replica, master after a replica miss, after a replica failure.
  private let loads: [Counter]
  private let registry: PrometheusCollectorRegistry
  /// Times store round trips (fresh reads: the loop's cached `now` is too coarse).
  let clock: any Clock

  /// `workers`: breaker slots. `durations`: where the scrape renders the latency histograms
  /// (nil: kept unrendered, for callers that read no exposition).
  init(
    registry: PrometheusCollectorRegistry, durations: RedisCallDurationFamilies? = nil, workers: Int,
    clock: any Clock
  ) {
    self.clock = clock
    errors = ErrorKind.allCases.map {
      registry.counter(
        "gatehouse_redis_errors_total", labels: [("kind", $0.rawValue)],
        help: "Session store calls that failed, by kind (breaker_open: refused without trying).")
    }
    timeouts = registry.counter(
      "gatehouse_redis_timeouts_total", help: "Session store calls past command_timeout.")
    breakerState = registry.gauge(
      "gatehouse_redis_breaker_state",
      help: "Worst circuit breaker state over workers: 0 closed, 1 half-open, 2 open.")
    invalidations = registry.counter(
      "gatehouse_redis_invalidations_total",
      help: "Keys invalidated by Redis client-side-caching messages (a flush counts once).")
    self.durations = (durations ?? RedisCallDurationFamilies()).durations(slots: max(workers, 1))
    workerStates = Mutex(Array(repeating: 0, count: max(workers, 1)))
    loads = [
      ("master", "none"), ("replica", "none"), ("master", "replica_miss"), ("master", "replica_failure"),
    ]
    .map { source, fallback in
      registry.counter(
        "gatehouse_redis_loads_total", labels: [("source", source), ("fallback", fallback)],
        help:
          "Session lookups by the node role that answered (source); fallback: why a lookup meant for a replica went to the master."
      )
    }
    self.registry = registry
  }

  /// Counts one answered lookup.
  func loaded(_ path: RedisLoadPath) {
    switch path {
    case .master: loads[0].increment()
    case .replica: loads[1].increment()
    case .masterAfterReplicaMiss: loads[2].increment()
    case .masterAfterReplicaFailure: loads[3].increment()
    }
  }

  /// What breaker slot `slot`'s store reports to (its own latency histograms).
  func slot(_ slot: Int) -> RedisSlotMetrics {
    RedisSlotMetrics(shared: self, durations: durations[slot % durations.count])
  }

  /// The command counter of one cluster node connection (`role`: the pool it belongs to).
  func nodeCommands(node: RedisAddress, role: RedisReadTarget) -> Counter {
    registry.counter(
      "gatehouse_redis_node_commands_total",
      labels: [("node", node.description), ("role", role == .master ? "master" : "replica")],
      help: "Commands sent to each Redis Cluster node, by the pool the connection belongs to.")
  }

  func error(_ kind: ErrorKind) {
    errors[ErrorKind.allCases.firstIndex(of: kind)!].increment()
    if kind == .timeout { timeouts.increment() }
  }

  func invalidated(count: Int) { invalidations.increment(by: Int64(max(count, 1))) }

  /// Records one worker's breaker state; the gauge shows the worst.
  func breaker(worker: Int, state: Int) {
    let worst = workerStates.withLock { states in
      states[worker % states.count] = state
      return states.max() ?? 0
    }
    breakerState.set(Int64(worst))
  }

  /// The worst breaker state over workers now (0 closed, 1 half-open, 2 open).
  var worstBreakerState: Int { workerStates.withLock { $0.max() ?? 0 } }

  /// Classifies a store failure by its detail (the Redis store passes `RedisError`'s text).
  static func kind(of text: String) -> ErrorKind {
    if text.contains("timed out") || text.contains("timeout") { return .timeout }
    if text.contains("connect failed") { return .connect }
    if text.contains("disconnected") { return .disconnected }
    if text.contains("overloaded") { return .overloaded }
    if text.contains("redis error") { return .server }
    return .other
  }
}

/// What the breakers report, through their slots (`RedisSlotMetrics`, which also times calls).
extension RedisMetrics {
  func storeFailed(detail: String) {
    error(Self.kind(of: detail))
    storeStats.recordError()
  }

  func refusedWhileOpen() {
    error(.breakerOpen)
    storeStats.recordRefused()
  }

  func breakerChanged(worker: Int, to state: BreakerSessionStore.State) {
    breaker(worker: worker, state: state.rawValue)
  }
}
