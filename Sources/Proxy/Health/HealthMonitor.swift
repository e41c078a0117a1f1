public import Config
import EventLoop
import Synchronization

/// Serves `GET /health` (docs/operations.md §7): samples the cumulative counters once a second
/// (`sample`, from a loop timer), keeps them in a `HealthWindow`, and at each request gathers
/// `HealthInputs` from the running server and asks `HealthEvaluator` for the verdict. Nothing
/// here runs per proxied request. Thread-safe (the sources are read-only closures over
/// thread-safe state; the thresholds change on reload under a Mutex).
public final class HealthMonitor: Sendable {
  /// Reads of the running server, each cheap and non-blocking. Until the server connects them
  /// (after its workers, JWKS fetcher and session service started), the listeners count as not
  /// ready: the admin listener answers before that, and must not call a half-started process
  /// healthy.
  struct Sources: Sendable {
    var listenersReady: @Sendable () -> Bool = { false }
    var issuers: @Sendable () -> [HealthInputs.Issuer] = { [] }
    var store: @Sendable () -> HealthInputs.Store = { .none }
    var storeStats: @Sendable () -> StoreCallStats? = { nil }
    /// Cumulative L1 hits and misses; nil with the L1 cache off.
    var cache: @Sendable () -> (hits: UInt64, misses: UInt64)? = { nil }
    var upstreamConnectFailures: @Sendable () -> UInt64 = { 0 }
  }

  private let evaluator: Mutex<HealthEvaluator>
  private let window = HealthWindow()
  private let sources: Mutex<Sources>
  let clock: any Clock

  init(settings: HealthSettings, clock: any Clock) {
    evaluator = Mutex(HealthEvaluator(settings: settings))
    sources = Mutex(Sources())
    self.clock = clock
  }

  func update(_ settings: HealthSettings) { evaluator.withLock { $0 = HealthEvaluator(settings: settings) } }

  func setSources(_ new: Sources) { sources.withLock { $0 = new } }

  /// The counters now.
  private func current(_ sources: Sources) -> HealthSample {
    var sample = HealthSample(time: clock.monotonicNanos())
    if let stats = sources.storeStats() {
      sample.storeCalls = stats.calls
      sample.storeErrors = stats.errors
      sample.storeLatencyBuckets = stats.buckets
    }
    if let cache = sources.cache() {
      sample.cacheHits = cache.hits
      sample.cacheMisses = cache.misses
    }
    sample.upstreamConnectFailures = sources.upstreamConnectFailures()
    return sample
  }

  /// Adds one sample to the window (called once a second).
  func sample() { window.add(current(sources.withLock { $0 })) }

  /// The verdict now, and its HTTP status (503 only when `unhealthy`).
  func report() -> HealthReport {
    let sources = self.sources.withLock { $0 }
    let evaluator = self.evaluator.withLock { $0 }
    let latest = current(sources)
    let inputs = HealthInputs(
      listenersReady: sources.listenersReady(), issuers: sources.issuers(),
      store: sources.store(),
      window: window.delta(latest: latest, window: UInt64(evaluator.settings.window.nanoseconds)),
      cacheEnabled: sources.cache() != nil)
    return evaluator.evaluate(inputs, now: latest.time)
  }
}
