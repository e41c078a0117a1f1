import Config
import EventLoop
import Net
import Sessions

/// One worker's links to a single Redis (`address`) or to the master a set of sentinels names:
/// a data connection and, for Sentinel with `read_from = "replica_preferred"`, a connection to
/// one healthy replica (chosen by worker index). Sentinel: every reconnect re-resolves, a `ROLE`
/// check refuses non-masters, and a `+switch-master` drops the data and subscriber connections
/// to the old master at once (and the replica connection, whose replica may have been
/// promoted). Loop-thread only.
final class RedisServerLinks: RedisWorkerLinks {
  let loop: EventLoop
  let settings: RedisSettings
  let connection: RedisConnection
  let replica: RedisConnection?
  let resolver: SentinelResolver?
  let transport: any RedisScriptTransport
  private weak var subscriber: RedisSubscriber?
  private var ready = false
  var onTopology: ((RedisTopologyView) -> Void)?

  init(index: Int, loop: EventLoop, settings: RedisSettings) {
    self.loop = loop
    self.settings = settings
    var options = settings.connectionOptions
    switch settings.endpoint {
    case .sentinels(let sentinels, let masterName):
      options.requireMaster = true
      let resolver = SentinelResolver(
        loop: loop, sentinels: sentinels.compactMap(RedisSettings.redisAddress), masterName: masterName,
        queryTimeout: UInt64(settings.connectTimeout.nanoseconds))
      self.resolver = resolver
      connection = RedisConnection(loop: loop, options: options, addressSource: resolver.addressSource)
      if settings.readFrom == .replicaPreferred {
        replica = RedisConnection(
          loop: loop, options: settings.connectionOptions,
          addressSource: resolver.replicaAddressSource(preference: index))
      } else {
        replica = nil
      }
    case .address, .cluster:
      resolver = nil
      replica = nil
      connection = RedisConnection(loop: loop, options: options, addressSource: Self.fixedAddress(settings))
    }
    if let replica {
      transport = RedisReplicatedTransport(master: connection, replica: replica)
    } else {
      transport = connection
    }
  }

  /// The configured address (numeric: names were resolved when the file was loaded).
  private static func fixedAddress(_ settings: RedisSettings) -> RedisAddressSource {
    var target: RedisAddress?
    if case .address(let address) = settings.endpoint { target = RedisSettings.redisAddress(address) }
    return { completion in
      if let target {
        completion(.success(target))
      } else {
        completion(.failure(.connectFailed("no numeric Redis address")))
      }
    }
  }

  func start(readinessChanged: @escaping (Bool) -> Void) {
    connection.onReady = { [weak self] _ in
      guard let self else { return }
      self.publishTopology()
      guard !self.ready else { return }
      self.ready = true
      readinessChanged(true)
    }
    replica?.onReady = { [weak self] _ in self?.publishTopology() }
    connection.onDown = { [weak self] _, _ in
      guard let self, self.ready else { return }
      self.ready = false
      readinessChanged(false)
    }
    if let resolver {
      resolver.onMasterChanged = { [weak self] address in
        guard let self else { return }
        self.publishTopology()
        if self.connection.address != address { self.connection.reconnectNow() }
        if let subscriber = self.subscriber, subscriber.connection.address != address {
          subscriber.connection.reconnectNow()
        }
        self.replica?.reconnectNow()
      }
      resolver.start()
    }
    publishTopology()
    connection.start()
    replica?.start()
  }

  /// Reports the addresses the connections use now (the configured one before the first connect).
  private func publishTopology() {
    guard let onTopology else { return }
    if let resolver {
      onTopology(
        .sentinel(
          masterName: resolver.masterName, master: (connection.address ?? resolver.master)?.description,
          replica: replica?.address?.description, sentinels: resolver.sentinels.map(\.description)))
    } else if case .address(let address) = settings.endpoint {
      onTopology(.single(address: connection.address?.description ?? address.description))
    }
  }

  func probe(_ done: @escaping (Bool) -> Void) {
    connection.send(strings: ["PING"]) { result in
      if case .success = result { done(true) } else { done(false) }
    }
  }

  func send(
    _ args: [[UInt8]], routingKey: [UInt8], _ done: @escaping (Result<RedisReply, RedisError>) -> Void
  ) {
    connection.send(args, done)
  }

  func makeInvalidationFeed(trackingPrefix prefix: [UInt8]) -> any RedisInvalidationFeed {
    var options = settings.connectionOptions
    let source: RedisAddressSource
    if let resolver {
      options.requireMaster = true
      source = resolver.addressSource
    } else {
      source = Self.fixedAddress(settings)
    }
    let subscriber = RedisSubscriber(
      connection: RedisConnection(loop: loop, options: options, addressSource: source),
      trackingPrefixes: [prefix], heartbeatPublisher: connection)
    self.subscriber = subscriber
    return subscriber
  }
}
