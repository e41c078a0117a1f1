public import EventLoop

/// Server-assisted invalidation for an L1 cache in front of a Redis Cluster: one
/// `RedisSubscriber` (BCAST tracking of the key prefixes, redirected to itself) per master node,
/// because client tracking is per node. Follows the client's slot map: a new master (failover,
/// a node added by a reshard) gets a subscriber, a node that stopped being a master loses its.
/// Loop-thread only.
///
/// Cache contract (as `RedisSubscriber`'s): serve cached entries only while `isSubscribed`,
/// i.e. every master of the current map has a confirmed subscription; `onReset` is called
/// whenever that changes either way, and the caller flushes its whole cache each time. A lost
/// node's slots are not flushed selectively: the cache is keyed by session, not by slot, and a
/// per-slot flush would put a slot computation and a per-slot validity check on every cache
/// hit for an event (a master lost) that is rare and already costs a failover
/// (docs/redis.md §11).
///
/// Heartbeat: one `PUBLISH` per `heartbeatInterval` to this instance's channel, through one
/// master's data connection (rotating); a cluster delivers every `PUBLISH` to every node, so
/// each subscriber hears it, and one whose beats go missing `heartbeatMaxMissed` times is reset
/// and reconnected.
public final class RedisClusterTracking {
  public let client: RedisClusterClient
  private let trackingPrefixes: [[UInt8]]
  private let options: RedisConnectionOptions
  private let heartbeatInterval: UInt64
  private let heartbeatMaxMissed: Int
  private let heartbeatChannel = RedisSubscriber.randomHeartbeatChannel()
  private var subscribers: [RedisAddress: RedisSubscriber] = [:]
  private var beatTimer: TimerID?
  private var beats = 0
  private var started = false

  /// Keys changed on some master (nil: everything, e.g. `FLUSHALL` on a node).
  public var onInvalidate: ((_ keys: [[UInt8]]?) -> Void)?
  /// Flush the whole cache: `isSubscribed` changed.
  public var onReset: (() -> Void)?
  /// True while every master of the current map has a confirmed subscription.
  public private(set) var isSubscribed = false

  /// `options` are for the subscriber connections (`client.options.connection` by default).
  public init(
    client: RedisClusterClient, trackingPrefixes: [[UInt8]], options: RedisConnectionOptions? = nil,
    heartbeatInterval: UInt64 = 1_000_000_000, heartbeatMaxMissed: Int = 3
  ) {
    self.client = client
    self.trackingPrefixes = trackingPrefixes
    var options = options ?? client.options.connection
    options.readOnly = false
    options.requireMaster = false
    self.options = options
    self.heartbeatInterval = heartbeatInterval
    self.heartbeatMaxMissed = heartbeatMaxMissed
  }

  /// Subscribes on every master of the client's map now and after every topology change.
  /// Takes over `client.onTopologyChange` (and calls the previous handler first). Idempotent.
  public func start() {
    guard !started else { return }
    started = true
    let previous = client.onTopologyChange
    client.onTopologyChange = { [weak self] map in
      previous?(map)
      self?.follow(map)
    }
    if let map = client.slotMap { follow(map) }
    scheduleBeat()
  }

  public func close() {
    started = false
    if let beatTimer { client.loop.cancel(beatTimer) }
    beatTimer = nil
    for subscriber in subscribers.values { subscriber.close() }
    subscribers = [:]
    isSubscribed = false
  }

  /// The masters that currently have a subscriber.
  public var trackedMasters: Set<RedisAddress> { Set(subscribers.keys) }

  private func follow(_ map: RedisClusterSlotMap) {
    guard started else { return }
    let masters = Set(map.masters)
    // Slots moving between masters that are already tracked need no flush: MIGRATE's delete on
    // the source and its RESTORE on the target both send invalidations.
    guard masters != Set(subscribers.keys) else { return }
    for (address, subscriber) in subscribers where !masters.contains(address) {
      subscriber.close()
      subscribers[address] = nil
    }
    for address in masters where subscribers[address] == nil {
      let subscriber = RedisSubscriber(
        connection: RedisConnection(loop: client.loop, address: address, options: options),
        trackingPrefixes: trackingPrefixes, sharedHeartbeat: heartbeatChannel,
        heartbeatMaxMissed: heartbeatMaxMissed)
      subscriber.onInvalidate = { [weak self] keys in self?.onInvalidate?(keys) }
      subscriber.onReset = { [weak self] in self?.update() }
      subscribers[address] = subscriber
      subscriber.start()
    }
    update()
  }

  /// Recomputes `isSubscribed` and resets: a subscriber was lost or (re-)established, or the
  /// set of masters changed.
  private func update() {
    isSubscribed = !subscribers.isEmpty && subscribers.values.allSatisfy(\.isSubscribed)
    onReset?()
  }

  private func scheduleBeat() {
    let loop = client.loop
    beatTimer = loop.schedule(at: loop.now &+ heartbeatInterval) { [weak self] in
      guard let self, self.started else { return }
      self.beat()
      self.scheduleBeat()
    }
  }

  private func beat() {
    var expected = false
    for subscriber in subscribers.values where subscriber.countBeat() { expected = true }
    let masters = subscribers.keys.sorted { $0.description < $1.description }
    guard expected, !masters.isEmpty else { return }
    beats &+= 1
    let publisher = client.masterConnection(masters[beats % masters.count])
    publisher.send([Array("PUBLISH".utf8), heartbeatChannel, Array("beat".utf8)]) { _ in }
  }
}
