public import Config
import Crypto
public import EventLoop
public import Logging
public import Net
import Synchronization

/// The running proxy: binds the listeners (all before any worker starts, so a port in use is
/// reported at once), starts one thread per worker, and carries drain and reload requests from
/// the signal-handling thread to the loops. Thread-safe: its methods are called from the main
/// thread; workers are reached only through `EventLoop.execute`.
public final class GatehouseServer: @unchecked Sendable {
  public struct StartupError: Error, CustomStringConvertible {
    public let description: String
  }

  public private(set) var config: GatehouseConfig
  let sink: LogSink
  public let log: Logger
  private(set) var workers: [Worker] = []
  private var threads: [SystemThread] = []
  /// Wakes `drain` when the last worker has drained (made at start).
  private var drainFinished: Notifier?
  /// The one clock of the process: every loop, the sessions, the JWKS fetcher read it.
  let clock: any Clock
  private let shared: SharedState
  /// Set once every listener is bound and every worker loop is running; cleared by `drain`.
  let ready = AtomicFlag()
  /// The Prometheus families; workers count into their own parts of it.
  public let metrics: GatehouseMetrics
  /// `/readyz` checks; the server registers `listeners`, other components add theirs.
  public let readiness = Readiness()
  let adminEndpoints: AdminEndpoints
  /// Sampled requests' spans to the OTLP collector; nil without `[tracing] otlp_endpoint`.
  private(set) var spanExporter: SpanExporter?
  /// `method="jwt"` validation durations, one set per worker (index = worker index).
  private let jwtDurations: [ValidationDurations]
  /// `GET /health`: the graded verdict beside readiness.
  public let health: HealthMonitor
  private var admin: AdminServer?
  /// JWT state shared by every worker: nil when no `[[jwt.issuer]]` is configured.
  private var jwt: JWTRuntime?

  public init(config: GatehouseConfig, sink: LogSink, log: Logger, clock: any Clock = SystemClock()) {
    self.config = config
    self.clock = clock
    self.sink = sink
    self.log = log
    let shared = SharedState(maxConnections: config.limits.maxConnections, sink: sink)
    self.shared = shared
    self.metrics = GatehouseMetrics(
      activeConnections: { shared.activeConnections.load(ordering: .relaxed) },
      droppedLogLines: { sink.droppedLines })
    jwtDurations = metrics.validationDurations.durations(
      method: "jwt", results: ["valid", "invalid"], workers: config.server.workers)
    let health = HealthMonitor(settings: config.health, clock: clock)
    self.health = health
    self.adminEndpoints = AdminEndpoints(
      config: config, readiness: readiness, metrics: metrics, clock: clock, health: health,
      events: { event in SecurityLog.admin(event, to: sink) })
    sink.configure(level: config.log.level, format: config.log.format)
    let ready = self.ready
    readiness.register("listeners") {
      ready.isSet ? nil : "proxy listeners not accepting (starting or draining)"
    }
  }

  /// `/readyz` and `/metrics` for the JWT issuers (added at start when issuers exist).
  private func registerJWTObservability() {
    let jwtState = JWTStateReader(server: self)
    readiness.register("jwks") {
      let problems = jwtState.runtime()?.fetcher.readinessProblems() ?? []
      return problems.isEmpty ? nil : problems.map { "\($0.name): \($0.detail)" }.joined(separator: "; ")
    }
    let exporter = JWTMetricsExporter(registry: metrics.registry) { jwtState.runtime() }
    metrics.addScrapeHook { exporter.update() }
  }

  /// The dashboard's `/status.json` (sampled on the admin loop from now on).
  private func startStatusBoard(sessions: SessionService?) {
    let jwtState = JWTStateReader(server: self)
    let endpoints = adminEndpoints
    let sources = StatusBoard.Sources(
      version: gatehouseVersion, workers: config.server.workers, sessions: sessions,
      issuers: {
        guard let runtime = jwtState.runtime() else { return ([], 0) }
        return (runtime.fetcher.issuers, runtime.fetcher.nowMs())
      },
      health: health,
      configGeneration: { endpoints.configGeneration })
    let board = StatusBoard(metrics: metrics, clock: clock, sources: sources)
    adminEndpoints.statusBoard.withLock { $0 = board }
  }

  /// Browser sessions, when `[session]` is configured (shared by all workers and the admin API).
  public internal(set) var sessionService: SessionService?
  /// The same, for other threads (the scrape hook): a reload replaces it.
  let currentSessions = SessionServiceSlot()

  /// The admin listener's bound address, nil when `[admin] listen = "off"` or not started.
  public var adminAddress: SocketAddress? { admin?.boundAddress }

  /// Binds and starts everything; throws with an operator-readable message.
  public func start() throws(StartupError) {
    let runtime = RuntimeConfig(config: config)
    var sessions: SessionService?
    if let settings = config.session {
      do {
        sessions = try SessionService(
          settings: settings, registry: metrics.registry, validationDurations: metrics.validationDurations,
          redisDurations: metrics.redisDurations,
          workers: config.server.workers, clock: clock,
          log: log, events: SessionEvents(sink: sink, logUserIDs: config.log.logUserIDs))
      } catch {
        throw StartupError(description: error.description)
      }
      if !settings.secureCookie {
        log.warning(
          "secure_cookie = false: session cookies are sent over plain HTTP; use only for local development",
          metadata: ["event": "config"])
      }
    }
    sessionService = sessions
    let assertionIssuer = try makeAssertionIssuer()
    if let sessions {
      let registry = metrics.registry
      let current = currentSessions
      current.set(sessions)
      metrics.addScrapeHook { current.service?.exportMetrics(registry) }
    }
    if let migration = sessions?.migration {
      readiness.register("migration") { migration.readinessProblem() }
    }
    if let address = config.admin.listen {
      do {
        admin = try AdminServer(address: address, endpoints: adminEndpoints, clock: clock)
      } catch {
        throw StartupError(description: error.description)
      }
    }
    var listeners: [Int32] = []
    for _ in 0..<config.server.workers {
      do {
        listeners.append(try Socket.makeListener(config.server.listen, reusePort: true))
      } catch {
        for fd in listeners { Posix.close(fd) }
        admin?.stop()
        throw StartupError(description: "cannot listen on \(config.server.listen): \(error)")
      }
    }
    if !config.jwt.issuers.isEmpty {
      do {
        let made = try makeJWT(config.jwt)
        jwtLock.withLock { _ in jwt = made }
      } catch {
        for fd in listeners { Posix.close(fd) }
        throw StartupError(description: "JWT: \(error)")
      }
    }
    do {
      drainFinished = try Notifier()
    } catch {
      for fd in listeners { Posix.close(fd) }
      throw StartupError(description: "cannot create an eventfd: \(error)")
    }
    for index in 0..<config.server.workers {
      let loop: EventLoop
      do {
        loop = try EventLoop(clock: clock)
      } catch {
        throw StartupError(description: "cannot create event loop: \(error)")
      }
      var workerLog = log
      workerLog[metadataKey: "worker"] = "\(index)"
      let worker = Worker(
        index: index, loop: loop, runtime: runtime, upstream: config.upstream.address,
        maxIdle: config.upstream.maxIdle, shared: shared, log: workerLog,
        metrics: metrics)
      worker.securityLimiter = SecurityEventLimiter(
        perSecond: config.log.securityEventsPerSecond, burst: config.log.securityEventsBurst)
      if let sessions {
        let securityLog: (String, String) -> Void = { [shared] kind, reason in
          SecurityLog.event(kind, reason: reason, to: shared.sink)
        }
        let stores = sessions.workerStores(index: index, loop: loop)
        let store = stores.store
        let sessionAuthenticator = SessionAuthenticator(
          service: sessions, store: store, outage: stores.outage, worker: index, securityLog: securityLog)
        worker.sessionAuthenticator = sessionAuthenticator
        worker.authenticators[.session] =
          sessions.acceptsJWTDuringOutage
          ? JWTOnlyOutageAuthenticator(session: sessionAuthenticator, worker: worker) : sessionAuthenticator
        worker.sessionLifecycle = SessionLifecycle(service: sessions, store: store, securityLog: securityLog)
        worker.redisBackends = stores.backends
        if index == 0 {
          worker.startSessionPurge(sessions)
          // Admin session operations run on worker 0's loop with its store (Redis connections
          // are loop-confined); the memory store answers on the admin thread directly.
          let runner = stores.backends.isEmpty ? nil : SessionAdminRunner(loop: loop, store: store)
          let events = adminEndpoints.events
          let adminLog: @Sendable (String, String) -> Void = { [shared] kind, reason in
            SecurityLog.event(kind, reason: reason, to: shared.sink)
          }
          adminEndpoints.sessionAdmin.withLock {
            $0 = SessionAdmin(service: sessions, runner: runner, events: events, securityLog: adminLog)
          }
          if let migration = sessions.migration {
            adminEndpoints.migrationAdmin.withLock { $0 = MigrationAdmin(coordinator: migration) }
          }
        }
      }
      if let jwt = jwtRuntime {
        worker.authenticators[.jwt] = JWTAuthenticator(
          runtime: jwt, loop: loop, durations: jwtDurations[index % jwtDurations.count],
          sessions: worker.sessionAuthenticator)
      }
      worker.authenticators[.sessionOrJWT] = SessionOrJWTAuthenticator(worker: worker)
      worker.assertionIssuer = assertionIssuer
      workers.append(worker)
      let fd = listeners[index]
      let migration = index == 0 ? sessions?.migration : nil
      let thread = SystemThread {
        for backend in worker.redisBackends { backend.start() }
        migration?.startFollowing()
        worker.startListening(fd: fd)
        loop.run()
      }
      threads.append(thread)
    }
    do {
      try admin?.start()
      for thread in threads { try thread.start() }
      try jwtRuntime?.fetcher.start()
    } catch {
      throw StartupError(description: "cannot start a thread: \(error)")
    }
    if jwtRuntime != nil { registerJWTObservability() }
    startHealth(sessions)
    startSpanExport()
    startStatusBoard(sessions: sessions)
    ready.set(true)
    log.info(
      "gatehouse listening",
      metadata: [
        "event": "started", "listen": "\(config.server.listen)", "workers": "\(config.server.workers)",
        "upstream": "\(config.upstream.address)",
        "admin": "\(admin.map { "\($0.boundAddress)" } ?? "off")",
      ])
  }

  /// Applies a new configuration whole, or refuses it whole (docs/operations.md §3): routes,
  /// headers, limits (`max_connections` included), timeouts, logging, JWT issuers and the
  /// `[session]` policy, keys and cookie settings change without dropping a connection; a change
  /// to a setting that needs a restart (`RestartOnlyChanges`) refuses the reload with one log
  /// line naming each such key, and the running configuration stays.
  public func reload(_ newConfig: GatehouseConfig) {
    let restartOnly = RestartOnlyChanges.between(config, newConfig)
    guard restartOnly.isEmpty else {
      refuseReload("these settings need a restart: \(restartOnly.joined(separator: ", "))")
      return
    }
    var reloadedSessions: SessionService?
    if let settings = newConfig.session, let current = sessionService, settings != current.settings {
      do {
        reloadedSessions = try SessionService(reloading: current, settings: settings)
      } catch {
        refuseReload(error.description)
        return
      }
    }
    if newConfig.jwt != config.jwt { reloadJWT(newConfig.jwt) }
    if let migration = sessionService?.migration { reloadMigration(migration, newConfig.session) }
    config = newConfig
    sink.configure(level: newConfig.log.level, format: newConfig.log.format)
    sessionService?.events?.setLogUserIDs(newConfig.log.logUserIDs)
    shared.setMaxConnections(newConfig.limits.maxConnections)
    adminEndpoints.update(newConfig)
    health.update(newConfig.health)
    metrics.configReloaded(success: true)
    if let reloadedSessions { applySessions(reloadedSessions) }
    let runtime = RuntimeConfig(config: newConfig, retiredSessionCookie: sessionService?.retiredCookie?.name)
    let maxIdle = newConfig.upstream.maxIdle
    for worker in workers {
      worker.loop.execute { worker.apply(runtime, maxIdle: maxIdle) }
    }
    log.info("configuration reloaded", metadata: ["event": "config_reload", "result": "success"])
  }

  func spanExporterStarted(_ exporter: SpanExporter) { spanExporter = exporter }

  /// Counts a reload whose file did not load (the running configuration stays).
  public func reloadFailed() {
    metrics.configReloaded(success: false)
  }

  /// Every reason the proxy cannot serve authenticated routes yet (an issuer without keys).
  /// Empty when ready. For the admin `/readyz`.
  public func readinessProblems() -> [(name: String, detail: String)] {
    jwtRuntime?.fetcher.readinessProblems() ?? []
  }

  /// The JWT counters (validations, cache, fetches), nil without issuers.
  public var jwtCounters: JWTCounters? { jwtRuntime?.counters }

  var jwtRuntime: JWTRuntime? { jwtLock.withLock { _ in jwt } }
  private let jwtLock = Mutex<Void>(())

  private func makeJWT(_ settings: JWTSettings) throws(JWKSFetcher.SetupError) -> JWTRuntime {
    JWTRuntime(settings: settings, fetcher: try JWKSFetcher(settings: settings, sink: sink, clock: clock))
  }

  /// New issuers (or settings) take effect through a new fetcher and cache: their keys load in
  /// the background, and requests meanwhile wait for the first fetch like at start.
  private func reloadJWT(_ settings: JWTSettings) {
    var fresh: JWTRuntime?
    if !settings.issuers.isEmpty {
      do {
        fresh = try makeJWT(settings)
      } catch {
        log.error("JWT settings not applied: \(error)", metadata: ["event": "config_reload"])
        return
      }
    }
    let old = jwtLock.withLock { _ in
      let old = jwt
      jwt = fresh
      return old
    }
    do {
      try fresh?.fetcher.start()
    } catch {
      // The new fetcher never runs: requests on its issuers wait for keys, then fail with 401.
      log.error("JWT fetcher thread not started: \(error)", metadata: ["event": "config_reload"])
    }
    for worker in workers {
      let authenticator = fresh.map {
        JWTAuthenticator(
          runtime: $0, loop: worker.loop, durations: jwtDurations[worker.index % jwtDurations.count],
          sessions: worker.sessionAuthenticator)
      }
      let box = AuthenticatorBox(authenticator)
      worker.loop.execute { worker.authenticators[.jwt] = box.value.map { $0 as any RequestAuthenticator } }
    }
    old?.fetcher.stop()
  }

  /// Stops accepting, lets in-flight requests finish, and returns when every worker is idle or
  /// `timeout` has passed (true = drained cleanly).
  public func drain(timeout: Duration) -> Bool {
    ready.set(false)
    guard let drainFinished else {  // never started
      admin?.stop()
      return true
    }
    let remaining = Countdown(workers.count, finished: drainFinished)
    for worker in workers {
      worker.loop.execute {
        worker.beginDrain { remaining.finishOne() }
      }
    }
    let deadline = clock.monotonicNanos() &+ timeout.nanoseconds
    while !remaining.isFinished {
      let now = clock.monotonicNanos()
      if now >= deadline { return false }
      _ = drainFinished.wait(timeoutNanos: deadline - now)
    }
    for worker in workers { worker.loop.stop() }
    admin?.stop()
    spanExporter?.stop()
    return true
  }
}

/// A shared counter the workers count down as they finish draining; the last one wakes the
/// waiting thread. Thread-safe (atomic, eventfd).
final class Countdown: Sendable {
  private let value: Atomic<Int>
  /// Notified when the count reaches 0.
  let finished: Notifier

  init(_ count: Int, finished: Notifier) {
    value = Atomic(count)
    self.finished = finished
  }

  var isFinished: Bool { value.load(ordering: .acquiring) <= 0 }

  func finishOne() {
    if value.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { finished.notify() }
  }
}

/// Hands a new authenticator to its worker's loop, the only thread that uses it.
private struct AuthenticatorBox: @unchecked Sendable {
  let value: JWTAuthenticator?
  init(_ value: JWTAuthenticator?) { self.value = value }
}

/// Reads the server's current JWT runtime from other threads (it changes on reload).
final class JWTStateReader: @unchecked Sendable {
  private weak var server: GatehouseServer?
  init(server: GatehouseServer) { self.server = server }
  func runtime() -> JWTRuntime? { server?.jwtRuntime }
}
