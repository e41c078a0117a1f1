import Config
import EventLoop
import Logging
import Net

/// One worker: a thread running one event loop with its own listener, client connections,
/// upstream pool and metrics. A connection never changes worker. Loop-thread only; other
/// threads reach it through `loop.execute`.
final class Worker: @unchecked Sendable {
  let index: Int
  let loop: EventLoop
  var runtime: RuntimeConfig
  let pool: UpstreamPool
  /// Storage of the client connections' buffers, lent while a connection has bytes to hold.
  /// Replaced when a reload changes the buffer size (buffers keep the pool they came from).
  private(set) var clientBuffers: ByteBufferPool
  let metrics: WorkerMetrics
  private let metricsHub: GatehouseMetrics
  /// Metric slot (`RouteSlots`) of each route of `runtime`, by route index.
  private var routeSlots: [Int]
  /// Per-policy authenticators (JWT, session); `public` needs none.
  var authenticators = AuthenticatorTable()
  /// Where sampled requests' spans go (`[tracing] otlp_endpoint`); nil: no export.
  var spanExporter: SpanExporter?
  /// The session authenticator (also inside `authenticators`), reached by a reload.
  var sessionAuthenticator: SessionAuthenticator?
  /// The app-driven session lifecycle (login/logout/elevate headers); nil without `[session]`.
  var sessionLifecycle: SessionLifecycle?
  /// `[assertion]`'s keys, claims and signed assertions (nil: no assertion header).
  var assertionIssuer: AssertionIssuer?
  /// This worker's Redis connections, stores and breakers (`[session] store = "redis"`, and a
  /// migration's target); started on the loop thread before the listener.
  var redisBackends: [RedisWorkerBackend] = []
  var log: Logger
  let shared: SharedState
  /// Rate limit of client-caused security lines (`[log] security_events_*`), per worker.
  var securityLimiter = SecurityEventLimiter(perSecond: 5, burst: 20)
  /// The phases every request of this worker goes through.
  private(set) lazy var pipeline = Pipeline(worker: self)
  private var connections: [ObjectIdentifier: ClientConnection] = [:]
  private var listener: Listener?
  private(set) var draining = false
  private var drained: (@Sendable () -> Void)?

  init(
    index: Int, loop: EventLoop, runtime: RuntimeConfig, upstream: SocketAddress, maxIdle: Int,
    shared: SharedState, log: Logger, metrics: GatehouseMetrics
  ) {
    self.index = index
    self.loop = loop
    self.runtime = runtime
    self.shared = shared
    self.log = log
    self.metricsHub = metrics
    self.metrics = metrics.makeWorkerMetrics(index: index)
    self.routeSlots = metrics.routeSlots.slots(for: runtime.routes.routes.map(\.name))
    // Enough free regions for the connections busy at once; the rest are unmapped when returned.
    self.clientBuffers = ByteBufferPool(capacity: runtime.clientBufferSize, limit: 128)
    self.pool = UpstreamPool(
      loop: loop, address: upstream, maxIdle: maxIdle, bufferSize: runtime.upstreamBufferSize)
  }

  var connectionCount: Int { connections.count }

  func startListening(fd: Int32) {
    let listener = Listener(fd: fd, worker: self)
    self.listener = listener
    listener.start()
    publishPoolPeriodically()
  }

  /// Pool sizes also change without a request (the upstream closes idle connections), so they
  /// are published once a second besides after every request.
  private func publishPoolPeriodically() {
    metrics.publishPool(idle: pool.idleCount, busy: pool.busyCount)
    // Strong: a weak reference would give the worker a side table for good, and every retain of
    // it on the request path would take the slow path. The worker lives as long as its loop.
    loop.schedule(at: loop.now &+ 1_000_000_000) { [self] in self.publishPoolPeriodically() }
  }

  func adopt(fd: Int32, peer: SocketAddress) {
    guard !draining, shared.reserveConnection() else {
      Posix.close(fd)
      return
    }
    let connection = ClientConnection(worker: self, fd: fd, peer: peer)
    connections[ObjectIdentifier(connection)] = connection
    connection.start()
  }

  func connectionClosed(_ connection: ClientConnection) {
    guard connections.removeValue(forKey: ObjectIdentifier(connection)) != nil else { return }
    shared.releaseConnection()
    if draining && connections.isEmpty { finishDrain() }
  }

  /// Applies a reloaded configuration to requests that start from now on.
  func apply(_ runtime: RuntimeConfig, maxIdle: Int) {
    self.runtime = runtime
    pipeline.runtime = runtime
    if runtime.clientBufferSize != clientBuffers.capacity {
      clientBuffers = ByteBufferPool(capacity: runtime.clientBufferSize, limit: clientBuffers.limit)
    }
    pool.maxIdle = maxIdle
    routeSlots = metricsHub.routeSlots.slots(for: runtime.routes.routes.map(\.name))
  }

  /// Stops accepting, closes idle connections, lets in-flight exchanges finish; `done` runs
  /// (on this loop) once no connection is left.
  func beginDrain(_ done: @escaping @Sendable () -> Void) {
    draining = true
    drained = done
    listener?.close()
    listener = nil
    for connection in Array(connections.values) { connection.beginDrain() }
    if connections.isEmpty { finishDrain() }
  }

  private func finishDrain() {
    pool.closeAllIdle()
    let done = drained
    drained = nil
    done?()
  }

  /// The metric slot (`RouteSlots`) of a route of the current configuration (-1: no route).
  func routeSlot(_ routeIndex: Int) -> Int {
    // A request that started under the previous configuration and ends after a reload may be
    // counted under the new table's route of the same index (a one-request window, accepted to
    // keep string hashing off the hot path).
    routeIndex >= 0 && routeIndex < routeSlots.count ? routeSlots[routeIndex] : RouteSlots.noRoute
  }

  func logSecurityEvent(_ event: String, context: RequestContext, peer: SocketAddress, reason: String = "") {
    logSecurityEvent(event, request: context, source: peer.ip, reason: reason)
  }

  /// A security event caused by a request (its client, or the app answering it): written unless
  /// its source is over its rate (`securityLimiter`; docs/security.md, "Logs"), then counted.
  func logSecurityEvent(
    _ event: String, request: RequestContext, source: IPAddress? = nil, reason: String = "", count: Int = 0
  ) {
    switch securityLimiter.admit(source: source ?? request.peerIP, now: loop.now) {
    case .write(let suppressed):
      SecurityLog.write(
        kind: event, reason: reason, count: count, suppressed: suppressed, context: request,
        clientIP: request.clientIP, to: shared.sink)
    case .drop:
      metricsHub.securityLineDropped()
    }
  }
}

extension Worker {
  /// The memory store forgets expired sessions once a minute (one worker does it for all).
  func startSessionPurge(_ sessions: SessionService) {
    loop.execute { [self] in self.schedulePurge(sessions) }
  }

  private func schedulePurge(_ sessions: SessionService) {
    loop.schedule(at: loop.now &+ 60_000_000_000) { [self] in
      sessions.purgeExpired()
      self.schedulePurge(sessions)
    }
  }
}
