import Config
import EventLoop
import Sessions

/// One worker's Redis session backend: its links for the configured topology (`RedisWorkerLinks`:
/// a single Redis, a Sentinel master with an optional replica, or a Redis Cluster), the
/// `RedisSessionStore` over them and the circuit breaker in front. Worker 0 also runs the
/// process's invalidation feed (BCAST tracking of `<prefix>s:` with a heartbeat: one subscriber,
/// or one per cluster master), which keeps the shared L1 cache coherent; with the L1 cache
/// disabled there is nothing to keep coherent and no feed runs.
///
/// Built on the main thread, then used only on its loop's thread from `start()` on (hence
/// `@unchecked Sendable`: it is handed over once, before the loop runs).
final class RedisWorkerBackend: @unchecked Sendable {
  let index: Int
  let loop: EventLoop
  let settings: RedisSettings
  let links: any RedisWorkerLinks
  let store: RedisSessionStore
  let breaker: BreakerSessionStore
  let shared: RedisSharedState
  let cache: SessionCache?
  /// Stamps invalidations on the wall clock the session lookups use.
  let clock: any Clock
  private(set) var feed: (any RedisInvalidationFeed)?

  /// `cache`: the process's L1 cache, nil when `[session.cache]` is disabled. `metricsSlot`: the
  /// breaker's slot in the shared breaker gauge (a migration's target backends use slots after
  /// the workers').
  init(
    index: Int, loop: EventLoop, settings: RedisSettings, shared: RedisSharedState, cache: SessionCache?,
    clock: any Clock, metricsSlot: Int? = nil
  ) {
    self.index = index
    self.clock = clock
    self.loop = loop
    self.settings = settings
    self.shared = shared
    self.cache = cache
    switch settings.endpoint {
    case .address, .sentinels:
      links = RedisServerLinks(index: index, loop: loop, settings: settings)
    case .cluster:
      links = RedisClusterLinks(index: index, loop: loop, settings: settings, metrics: shared.metrics)
    }
    let readFrom: RedisReadFrom = settings.readFrom == .replicaPreferred ? .replicaPreferred : .master
    store = RedisSessionStore(
      transport: links.transport, keyPrefix: settings.keyPrefix,
      commandTimeout: UInt64(settings.commandTimeout.nanoseconds), readFrom: readFrom,
      replicaTimeout: UInt64(settings.replicaTimeout.nanoseconds))
    store.readTimeout = UInt64(settings.readTimeout.nanoseconds)
    store.writeTimeout = UInt64(settings.writeTimeout.nanoseconds)
    store.minReplicasAcked = settings.minReplicasAcked
    store.replicaAckTimeout = UInt64(settings.replicaAckTimeout.nanoseconds)
    store.onLoad = { [metrics = shared.metrics] path in metrics.loaded(path) }
    let store = self.store
    breaker = BreakerSessionStore(
      inner: store, now: { [loop] in loop.now }, failureThreshold: settings.breakerFailures,
      cooldown: UInt64(settings.breakerCooldown.nanoseconds), workerIndex: metricsSlot ?? index,
      metrics: shared.metrics.slot(metricsSlot ?? index),
      connected: { store.isAvailable }, recoveries: { [shared] in shared.recoveries })
    breaker.onStateChange = { [shared] old, new in shared.breakerChanged(from: old, to: new) }
  }

  /// A reload's `[redis]` settings that apply to running connections (`RestartOnlyChanges`
  /// refuses the others): breaker thresholds and the replica acknowledgement. Loop thread.
  func apply(_ new: RedisSettings) {
    breaker.reconfigure(
      failureThreshold: new.breakerFailures, cooldown: UInt64(new.breakerCooldown.nanoseconds))
    store.readTimeout = UInt64(new.readTimeout.nanoseconds)
    store.writeTimeout = UInt64(new.writeTimeout.nanoseconds)
    store.minReplicasAcked = new.minReplicasAcked
    store.replicaAckTimeout = UInt64(new.replicaAckTimeout.nanoseconds)
  }

  /// Connects (and, on worker 0, starts the invalidation feed). Call on the loop thread.
  func start() {
    if index == 0 { links.onTopology = { [shared] view in shared.publish(view) } }
    links.start { [weak self] ready in
      guard let self else { return }
      if !ready { self.breaker.connectionLost() }
      self.shared.connectionChanged(ready: ready)
    }
    if index == 0, let cache { startFeed(cache) }
    if index == 0 { scheduleHealthProbe() }
    scheduleProbe()
  }

  /// Worker 0 writes and reads a short-lived key once a second for `/health` (never per
  /// request); its latency counts in the store's health stats like any store call.
  private func scheduleHealthProbe() {
    loop.schedule(at: loop.now &+ 1_000_000_000) { [weak self] in
      guard let self else { return }
      self.healthProbe()
      self.scheduleHealthProbe()
    }
  }

  private func healthProbe() {
    let key = Array("\(settings.keyPrefix)health:{\(index)}".utf8)
    let token = Array(String(loop.now).utf8)
    let started = loop.now
    let stats = shared.metrics.storeStats
    let finish: (String?) -> Void = { [loop, shared] problem in
      let nanos = loop.now &- started
      stats.record(nanos: nanos, failed: problem != nil)
      shared.probed(StoreProbeResult(ok: problem == nil, nanos: nanos, at: loop.now, detail: problem))
    }
    links.send([Array("SET".utf8), key, token, Array("PX".utf8), Array("10000".utf8)], routingKey: key) {
      [links] written in
      guard case .success = written else { return finish("write: \(written)") }
      links.send([Array("GET".utf8), key], routingKey: key) { read in
        guard case .success(let reply) = read, reply.bytes == token else { return finish("read: \(read)") }
        finish(nil)
      }
    }
  }

  /// An open breaker probes once its cooldown passed, even without requests, so `/health`
  /// recovers on an idle worker.
  private func scheduleProbe() {
    let interval = max(UInt64(settings.breakerCooldown.nanoseconds), 10_000_000)
    loop.schedule(at: loop.now &+ interval) { [weak self] in
      guard let self else { return }
      self.breaker.probeIfDue { done in self.links.probe(done) }
      self.scheduleProbe()
    }
  }

  private func startFeed(_ cache: SessionCache) {
    let prefix = Array(settings.keyPrefix.utf8)
    let feed = links.makeInvalidationFeed(trackingPrefix: prefix + Array("s:".utf8))
    let shared = self.shared
    let clock = self.clock
    feed.onInvalidate = { keys in
      shared.bumpEpoch()
      guard let keys else {
        cache.removeAll()
        shared.metrics.invalidated(count: 1)
        return
      }
      // Stamped, so an answer a lagging replica gives right after this is not cached
      // (docs/redis.md §12).
      let now = clock.wallNanos()
      for key in keys where key.count > prefix.count && key.starts(with: prefix) {
        cache.invalidate(storeKey: String(decoding: key[prefix.count...], as: UTF8.self), at: now)
      }
      shared.metrics.invalidated(count: keys.count)
    }
    feed.onReset = { [weak feed] in
      guard let feed else { return }
      if feed.isSubscribed {
        // (Re-)subscribed: anything may have changed meanwhile; start from an empty cache. The
        // store answers again, so open breakers close first and the misses are loaded, not refused.
        shared.storeRecovered()
        cache.removeAll()
        shared.setCoherent(true)
      } else {
        // Lost: keep the entries for the stale-grace rule, but serve them only during an outage.
        shared.setCoherent(false)
      }
    }
    self.feed = feed
    feed.start()
  }
}
