import Sessions
import Synchronization

/// What the workers' Redis backends share in one process: whether the L1 cache is coherent
/// (the invalidation subscriber is subscribed), an invalidation epoch, a recovery generation and
/// the counts behind the store component of `/health` (never readiness: docs/operations.md §2). Thread-safe (atomics).
final class RedisSharedState: Sendable {
  /// True while the subscriber is subscribed (its flush already done): L1 entries may be served.
  /// False from start until the first subscription and from a loss until re-subscription; then
  /// L1 is used only under the stale-grace rule of an outage.
  private let coherentFlag = Atomic<Bool>(false)
  /// Bumped on every invalidation or flush. A lookup that read the epoch before its store round
  /// trip caches the answer only if the epoch did not move (an invalidation may have overtaken
  /// the reply on the other connection, docs/redis.md §8).
  private let epochValue = Atomic<UInt64>(0)
  /// Bumped when the subscriber (re-)subscribes: proof the store is reachable, which lets the
  /// workers' open breakers close at once (`BreakerSessionStore`, docs/operations.md §4).
  private let recoveryValue = Atomic<UInt64>(0)
  /// Worker data connections currently ready.
  private let readyConnections = Atomic<Int>(0)
  /// Worker breakers currently not closed.
  private let openBreakers = Atomic<Int>(0)
  /// Worker 0's view of the deployment, for the dashboard (nil until its links report one).
  private let topologyView = Mutex<RedisTopologyView?>(nil)
  let metrics: RedisMetrics
  /// The last scheduled write+read probe (worker 0), for `/health`.
  private let lastProbe = Mutex<StoreProbeResult?>(nil)

  var probe: StoreProbeResult? { lastProbe.withLock { $0 } }
  func probed(_ result: StoreProbeResult) { lastProbe.withLock { $0 = result } }

  init(metrics: RedisMetrics) { self.metrics = metrics }

  var topology: RedisTopologyView? { topologyView.withLock { $0 } }

  func publish(_ topology: RedisTopologyView) { topologyView.withLock { $0 = topology } }

  /// Worker data connections ready now, and breakers not closed now.
  var readyConnectionCount: Int { readyConnections.load(ordering: .relaxed) }
  var openBreakerCount: Int { openBreakers.load(ordering: .relaxed) }

  var coherent: Bool { coherentFlag.load(ordering: .acquiring) }
  var epoch: UInt64 { epochValue.load(ordering: .acquiring) }

  func setCoherent(_ value: Bool) {
    epochValue.add(1, ordering: .releasing)
    coherentFlag.store(value, ordering: .releasing)
  }

  var recoveries: UInt64 { recoveryValue.load(ordering: .acquiring) }

  /// The store answered again; call before flushing the L1, so a miss after the flush already
  /// finds its breaker willing.
  func storeRecovered() { recoveryValue.add(1, ordering: .releasing) }

  func bumpEpoch() { epochValue.add(1, ordering: .releasing) }

  func connectionChanged(ready: Bool) { readyConnections.add(ready ? 1 : -1, ordering: .relaxed) }

  func breakerChanged(from old: BreakerSessionStore.State, to new: BreakerSessionStore.State) {
    if old == .closed && new != .closed { openBreakers.add(1, ordering: .relaxed) }
    if old != .closed && new == .closed { openBreakers.subtract(1, ordering: .relaxed) }
  }

  /// What keeps the store from being usable now (the `store` component of `/health`); nil when usable.
  func storeProblem() -> String? {
    if readyConnections.load(ordering: .relaxed) <= 0 { return "no Redis connection ready" }
    let open = openBreakers.load(ordering: .relaxed)
    if open > 0 { return "Redis circuit breaker open on \(open) worker(s)" }
    return nil
  }
}
