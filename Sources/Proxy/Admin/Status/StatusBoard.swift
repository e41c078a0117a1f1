import EventLoop
import Synchronization

/// What `/status.json` is made from: the sampler's five minutes of history (fed once a second
/// on the admin loop, `sample()`), the latest metrics exposition, and the live components read
/// when a snapshot is asked for. The proxied path never sees it: the sampler reads the same
/// per-worker atomics and histograms a Prometheus scrape reads (`GatehouseMetrics.scrape`),
/// on the admin thread. Thread-safe (one Mutex around history and exposition; the sources are
/// thread-safe themselves).
final class StatusBoard: Sendable {
  /// The live components a snapshot reads. Immutable.
  struct Sources: Sendable {
    var version: String
    var workers: Int
    var sessions: SessionService?
    /// The JWT issuers of the current configuration and the time base of their caches (ms).
    var issuers: @Sendable () -> (states: [JWTIssuerState], nowMs: Int64)
    var health: any HealthEvaluating
    var configGeneration: @Sendable () -> (number: Int, loadedAt: Int64)
    var residentBytes: @Sendable () -> Int? = { SystemInfo.residentBytes() }
  }

  private struct Sampled {
    var history = TrafficHistory()
    var exposition = MetricsExposition()
  }

  let metrics: GatehouseMetrics
  let clock: any Clock
  let sources: Sources
  /// Monotonic nanoseconds at start (uptime).
  let startedAt: UInt64
  private let sampled = Mutex(Sampled())

  init(metrics: GatehouseMetrics, clock: any Clock, sources: Sources) {
    self.metrics = metrics
    self.clock = clock
    self.sources = sources
    self.startedAt = clock.monotonicNanos()
  }

  /// Takes one reading (admin loop, once a second). The scrape and parse run outside the lock.
  func sample() {
    let exposition = MetricsExposition.parse(metrics.scrape())
    let cache = sources.sessions?.cache
    let reading = TrafficReading(exposition, cacheHits: cache?.hits ?? 0, cacheMisses: cache?.misses ?? 0)
    let second = Int64(clock.monotonicNanos() / 1_000_000_000)
    sampled.withLock {
      $0.history.record(reading, at: second)
      $0.exposition = exposition
    }
  }

  func snapshot() -> StatusSnapshot {
    let (history, exposition) = sampled.withLock { ($0.history, $0.exposition) }
    let (states, nowMs) = sources.issuers()
    let generation = sources.configGeneration()
    let uptime = Double(clock.monotonicNanos() &- startedAt) / 1_000_000_000
    return StatusSnapshot(
      generatedAt: clock.wallNanos(),
      health: sources.health.evaluate(),
      traffic: TrafficStatus(history: history, exposition: exposition),
      auth: AuthStatus(history: history, exposition: exposition),
      sessions: sources.sessions.map {
        Self.sessionStatus($0, history: history, exposition: exposition, workers: sources.workers)
      },
      issuers: states.map { $0.status(nowMs: nowMs) },
      process: ProcessStatus(
        version: sources.version, uptimeSeconds: uptime, workers: sources.workers,
        configGeneration: generation.number, configLoadedAt: generation.loadedAt,
        residentBytes: sources.residentBytes(),
        clientConnections: exposition.sum("gatehouse_client_connections"),
        upstreamIdle: exposition.sum("gatehouse_upstream_pool_connections", matching: ["state": "idle"]),
        upstreamBusy: exposition.sum("gatehouse_upstream_pool_connections", matching: ["state": "busy"])))
  }

  static func sessionStatus(
    _ service: SessionService, history: TrafficHistory, exposition: MetricsExposition, workers: Int
  ) -> SessionStatus {
    var active: Double?
    if let memory = service.memoryStore {
      active = Double(memory.entryCount)
    } else if exposition.has("gatehouse_active_sessions") {
      active = exposition.sum("gatehouse_active_sessions")
    }
    var totalRate: Double?
    if let latest = history.latest, latest.cacheHits + latest.cacheMisses > 0 {
      totalRate = latest.cacheHits / (latest.cacheHits + latest.cacheMisses)
    }
    let redis = service.redis.map { shared in
      RedisStatus(
        workers: workers, connectedWorkers: shared.readyConnectionCount,
        breaker: RedisStatus.breakerWord(exposition.sum("gatehouse_redis_breaker_state")),
        openBreakers: shared.openBreakerCount, invalidationsSubscribed: shared.coherent,
        p99Milliseconds: history.storeP99Minute.map { $0 * 1000 }, topology: shared.topology)
    }
    return SessionStatus(
      store: service.memoryStore == nil ? "redis" : "memory", activeSessions: active,
      cacheEnabled: service.settings.cacheEnabled, cacheEntries: service.cache.count,
      cacheHitRateMinute: history.cacheHitRateMinute, cacheHitRateTotal: totalRate, redis: redis)
  }
}
