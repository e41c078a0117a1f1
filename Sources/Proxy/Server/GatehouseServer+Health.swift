import EventLoop

extension GatehouseServer {
  /// Connects `/health` to the running pieces and samples its window once a second on worker
  /// 0's loop.
  func startHealth(_ sessions: SessionService?) {
    let ready = self.ready
    let jwtState = JWTStateReader(server: self)
    let metrics = self.metrics
    let redis = sessions?.redis
    let cache = sessions.flatMap { $0.settings.cacheEnabled ? $0.cache : nil }
    let isMemory = sessions?.memoryStore != nil
    health.setSources(
      HealthMonitor.Sources(
        listenersReady: { ready.isSet },
        issuers: {
          guard let fetcher = jwtState.runtime()?.fetcher else { return [] }
          let now = fetcher.nowMs()
          return fetcher.issuers.map { issuer in
            HealthInputs.Issuer(
              name: issuer.name, keyAgeSeconds: issuer.stats(nowMs: now).ageSeconds,
              ready: issuer.readinessProblem(nowMs: now) == nil)
          }
        },
        store: {
          if let redis, let sessions { return .redis(problem: sessions.storeProblem(), probe: redis.probe) }
          return isMemory ? .memory : .none
        },
        storeStats: { redis?.metrics.storeStats },
        cache: { cache.map { ($0.hits, $0.misses) } },
        upstreamConnectFailures: { metrics.upstreamConnectFailures() }))
    guard let loop = workers.first?.loop else { return }
    let health = self.health
    @Sendable func sampleEverySecond() {
      health.sample()
      loop.schedule(at: loop.now &+ 1_000_000_000) { sampleEverySecond() }
    }
    loop.execute { sampleEverySecond() }
  }
}
