import Crypto
public import EventLoop
import Glibc
public import Logging
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
  private var workers: [Worker] = []
  private var threads: [Thread] = []
  private let shared: SharedState
  /// JWT state shared by every worker: nil when no `[[jwt.issuer]]` is configured.
  private var jwt: JWTRuntime?
  /// Set once every listener is bound and every worker loop is running.
  let ready = Atomic<Bool>(false)

  public init(config: GatehouseConfig, sink: LogSink, log: Logger) {
    self.config = config
    self.sink = sink
    self.log = log
    self.shared = SharedState(maxConnections: config.limits.maxConnections, sink: sink)
  }

  /// Binds and starts everything; throws with an operator-readable message.
  public func start() throws(StartupError) {
    let runtime = RuntimeConfig(config: config)
    var listeners: [Int32] = []
    for _ in 0..<config.server.workers {
      do {
        listeners.append(try Socket.makeListener(config.server.listen, reusePort: true))
      } catch {
        for fd in listeners { Posix.close(fd) }
        throw StartupError(description: "cannot listen on \(config.server.listen): \(error)")
      }
    }
    if !config.jwt.issuers.isEmpty {
      do {
        let made = try makeJWT(config.jwt)
        jwtLock.withLock { _ in jwt = made }
      } catch {
        for fd in listeners { Posix.close(fd) }
        throw StartupError(description: "JWT: cannot create a TLS context: \(error)")
      }
    }
    for index in 0..<config.server.workers {
      let loop: EventLoop
      do {
        loop = try EventLoop()
      } catch {
        throw StartupError(description: "cannot create event loop: \(error)")
      }
      var workerLog = log
      workerLog[metadataKey: "worker"] = "\(index)"
      let worker = Worker(
        index: index, loop: loop, runtime: runtime, upstream: config.upstream.address,
        maxIdle: config.upstream.maxIdle, shared: shared, log: workerLog)
      if let jwt = jwtRuntime { worker.authenticators[.jwt] = JWTAuthenticator(runtime: jwt, loop: loop) }
      workers.append(worker)
      let fd = listeners[index]
      let thread = Thread {
        worker.startListening(fd: fd)
        loop.run()
      }
      threads.append(thread)
    }
    for thread in threads { thread.start() }
    jwtRuntime?.fetcher.start()
    ready.store(true, ordering: .releasing)
    log.info(
      "gatehouse listening",
      metadata: [
        "event": "started", "listen": "\(config.server.listen)", "workers": "\(config.server.workers)",
        "upstream": "\(config.upstream.address)",
      ])
  }

  /// Applies what can change without re-binding: routes, headers, limits, timeouts, logging.
  /// Listener address and worker count changes are logged and wait for a restart.
  public func reload(_ newConfig: GatehouseConfig) {
    if newConfig.server.listen != config.server.listen || newConfig.server.workers != config.server.workers {
      log.warning(
        "listen address and worker count changes need a restart; kept the running values",
        metadata: ["event": "config_reload"])
    }
    if newConfig.upstream.address != config.upstream.address {
      log.warning(
        "upstream address changes need a restart; kept the running value",
        metadata: ["event": "config_reload"])
    }
    if newConfig.jwt != config.jwt { reloadJWT(newConfig.jwt) }
    config = newConfig
    let runtime = RuntimeConfig(config: newConfig)
    let maxIdle = newConfig.upstream.maxIdle
    for worker in workers {
      worker.loop.execute { worker.apply(runtime, maxIdle: maxIdle) }
    }
    log.info("configuration reloaded", metadata: ["event": "config_reload", "result": "success"])
  }

  /// Every reason the proxy cannot serve authenticated routes yet (an issuer without keys).
  /// Empty when ready. For the admin `/readyz`.
  public func readinessProblems() -> [(name: String, detail: String)] {
    jwtRuntime?.fetcher.readinessProblems() ?? []
  }

  /// The JWT counters (validations, cache, fetches), nil without issuers.
  public var jwtCounters: JWTCounters? { jwtRuntime?.counters }

  private var jwtRuntime: JWTRuntime? { jwtLock.withLock { _ in jwt } }
  private let jwtLock = Mutex<Void>(())

  private func makeJWT(_ settings: JWTSettings) throws(CryptoError) -> JWTRuntime {
    JWTRuntime(settings: settings, fetcher: try JWKSFetcher(settings: settings, sink: sink))
  }

  /// New issuers (or settings) take effect through a new fetcher and cache: their keys load in
  /// the background, and requests meanwhile wait for the first fetch like at start.
  private func reloadJWT(_ settings: JWTSettings) {
    var fresh: JWTRuntime?
    if !settings.issuers.isEmpty {
      do {
        fresh = try makeJWT(settings)
      } catch {
        log.error(
          "JWT settings not applied: cannot create a TLS context: \(error)",
          metadata: ["event": "config_reload"])
        return
      }
    }
    let old = jwtLock.withLock { _ in
      let old = jwt
      jwt = fresh
      return old
    }
    fresh?.fetcher.start()
    for worker in workers {
      let authenticator = fresh.map { JWTAuthenticator(runtime: $0, loop: worker.loop) }
      let box = AuthenticatorBox(authenticator)
      worker.loop.execute { worker.authenticators[.jwt] = box.value.map { $0 as any RequestAuthenticator } }
    }
    old?.fetcher.stop()
  }

  /// Stops accepting, lets in-flight requests finish, and returns when every worker is idle or
  /// `timeout` has passed (true = drained cleanly).
  public func drain(timeout: Duration) -> Bool {
    let remaining = Countdown(workers.count)
    for worker in workers {
      worker.loop.execute {
        worker.beginDrain {
          remaining.value.subtract(1, ordering: .releasing)
        }
      }
    }
    let deadline = MonotonicClock.now() &+ timeout.nanoseconds
    while remaining.value.load(ordering: .acquiring) > 0 {
      if MonotonicClock.now() >= deadline { return false }
      usleep(5_000)
    }
    for worker in workers { worker.loop.stop() }
    return true
  }
}

/// A shared counter the workers count down as they finish draining. Thread-safe (atomic).
final class Countdown: Sendable {
  let value: Atomic<Int>
  init(_ count: Int) { value = Atomic(count) }
}

/// Hands a new authenticator to its worker's loop, the only thread that uses it.
private struct AuthenticatorBox: @unchecked Sendable {
  let value: JWTAuthenticator?
  init(_ value: JWTAuthenticator?) { self.value = value }
}
