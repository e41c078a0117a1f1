import Config
import EventLoop
import Net
import Sessions

/// One worker's Redis session backend: its own `RedisConnection` on the worker's loop, the
/// `RedisSessionStore` over it and the circuit breaker in front; for Sentinel its own
/// `SentinelResolver` (every reconnect re-resolves, a `ROLE` check refuses non-masters, and a
/// `+switch-master` drops the connection to the old master at once). Worker 0 also runs the
/// process's invalidation subscriber (BCAST tracking of `<prefix>s:` plus a heartbeat published
/// on worker 0's data connection), which keeps the shared L1 cache coherent.
///
/// Built on the main thread, then used only on its loop's thread from `start()` on (hence
/// `@unchecked Sendable`: it is handed over once, before the loop runs).
final class RedisWorkerBackend: @unchecked Sendable {
  let index: Int
  let loop: EventLoop
  let settings: RedisSettings
  let connection: RedisConnection
  let resolver: SentinelResolver?
  let store: RedisSessionStore
  let breaker: BreakerSessionStore
  let shared: RedisSharedState
  let cache: SessionCache
  private(set) var subscriber: RedisSubscriber?
  private var ready = false

  init(index: Int, loop: EventLoop, settings: RedisSettings, shared: RedisSharedState, cache: SessionCache) {
    self.index = index
    self.loop = loop
    self.settings = settings
    self.shared = shared
    self.cache = cache
    let options = Self.options(settings)
    switch settings.endpoint {
    case .address(let address):
      let target = Self.redisAddress(address)
      resolver = nil
      connection = RedisConnection(loop: loop, options: options) { completion in
        if let target {
          completion(.success(target))
        } else {
          completion(.failure(.connectFailed("\(address) is not a numeric address")))
        }
      }
    case .sentinels(let sentinels, let masterName):
      let resolver = SentinelResolver(
        loop: loop, sentinels: sentinels.compactMap(Self.redisAddress), masterName: masterName,
        queryTimeout: UInt64(settings.connectTimeout.nanoseconds))
      self.resolver = resolver
      connection = RedisConnection(loop: loop, options: options, addressSource: resolver.addressSource)
    }
    store = RedisSessionStore(
      connection: connection, keyPrefix: settings.keyPrefix,
      commandTimeout: UInt64(settings.commandTimeout.nanoseconds))
    let store = self.store
    breaker = BreakerSessionStore(
      inner: store, now: { [loop] in loop.now }, failureThreshold: settings.breakerFailures,
      cooldown: UInt64(settings.breakerCooldown.nanoseconds), workerIndex: index, metrics: shared.metrics,
      connected: { store.isAvailable })
    breaker.onStateChange = { [shared] old, new in shared.breakerChanged(from: old, to: new) }
  }

  static func options(_ settings: RedisSettings) -> RedisConnectionOptions {
    var options = RedisConnectionOptions()
    options.connectTimeout = UInt64(settings.connectTimeout.nanoseconds)
    options.commandTimeout = UInt64(settings.commandTimeout.nanoseconds)
    options.username = settings.username
    options.password = settings.password?.revealed
    options.database = settings.database
    if case .sentinels = settings.endpoint { options.requireMaster = true }
    return options
  }

  static func redisAddress(_ address: SocketAddress) -> RedisAddress? {
    RedisAddress(host: address.ip.description, port: Int(address.port))
  }

  /// Connects (and, on worker 0, subscribes). Call on the loop thread.
  func start() {
    connection.onReady = { [weak self] _ in
      guard let self, !self.ready else { return }
      self.ready = true
      self.shared.connectionChanged(ready: true)
    }
    connection.onDown = { [weak self] _, _ in
      guard let self else { return }
      self.breaker.connectionLost()
      guard self.ready else { return }
      self.ready = false
      self.shared.connectionChanged(ready: false)
    }
    if index == 0 { startSubscriber() }
    if let resolver {
      resolver.onMasterChanged = { [weak self] address in
        guard let self else { return }
        if self.connection.address != address { self.connection.reconnectNow() }
        if let subscriber = self.subscriber, subscriber.connection.address != address {
          subscriber.connection.reconnectNow()
        }
      }
      resolver.start()
    }
    connection.start()
    scheduleProbe()
  }

  /// An open breaker probes with `PING` once its cooldown passed, even without requests, so
  /// `/readyz` recovers on an idle worker.
  private func scheduleProbe() {
    let interval = max(UInt64(settings.breakerCooldown.nanoseconds), 10_000_000)
    loop.schedule(at: loop.now &+ interval) { [weak self] in
      guard let self else { return }
      self.breaker.probeIfDue { done in
        self.connection.send(strings: ["PING"]) { result in
          if case .success = result { done(true) } else { done(false) }
        }
      }
      self.scheduleProbe()
    }
  }

  private func startSubscriber() {
    let subscriberConnection: RedisConnection
    let options = Self.options(settings)
    if let resolver {
      subscriberConnection = RedisConnection(
        loop: loop, options: options, addressSource: resolver.addressSource)
    } else {
      var target: RedisAddress?
      if case .address(let address) = settings.endpoint { target = Self.redisAddress(address) }
      subscriberConnection = RedisConnection(loop: loop, options: options) { [target] completion in
        if let target {
          completion(.success(target))
        } else {
          completion(.failure(.connectFailed("no numeric Redis address")))
        }
      }
    }
    let prefix = Array(settings.keyPrefix.utf8)
    let subscriber = RedisSubscriber(
      connection: subscriberConnection, trackingPrefixes: [prefix + Array("s:".utf8)],
      heartbeatPublisher: connection)
    let shared = self.shared
    let cache = self.cache
    subscriber.onInvalidate = { keys in
      shared.bumpEpoch()
      guard let keys else {
        cache.removeAll()
        shared.metrics.invalidated(count: 1)
        return
      }
      for key in keys where key.count > prefix.count && key.starts(with: prefix) {
        cache.invalidate(storeKey: String(decoding: key[prefix.count...], as: UTF8.self))
      }
      shared.metrics.invalidated(count: keys.count)
    }
    subscriber.onReset = { [weak subscriber] in
      guard let subscriber else { return }
      if subscriber.isSubscribed {
        // (Re-)subscribed: anything may have changed meanwhile; start from an empty cache.
        cache.removeAll()
        shared.setCoherent(true)
      } else {
        // Lost: keep the entries for the stale-grace rule, but serve them only during an outage.
        shared.setCoherent(false)
      }
    }
    self.subscriber = subscriber
    subscriber.start()
  }
}
