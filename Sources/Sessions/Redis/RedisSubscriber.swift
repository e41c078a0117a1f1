import EventLoop

/// A dedicated pub/sub connection: server-assisted client-side caching (RESP2 broadcast
/// tracking redirected to itself, docs/redis.md §8), extra channels, and a heartbeat. Loop-thread
/// only.
///
/// On every connect: `CLIENT ID`, then `CLIENT TRACKING on REDIRECT <own id> BCAST PREFIX …`
/// (when `trackingPrefixes` is set), then one `SUBSCRIBE` per channel (`__redis__:invalidate`,
/// the private heartbeat channel, `channels`). Registering and receiving on one connection means
/// both die together: there is no silent "redirect broken" state on RESP2.
///
/// Cache contract for the caller: serve cached entries only while `isSubscribed`; `onReset` is
/// called whenever the subscription is lost *and* when it is re-established, and the caller
/// must flush its whole cache each time (invalidations may have been missed in between).
///
/// Heartbeat: `PING` on a subscribed hiredis 0.14 connection never completes (docs/redis.md §2), so
/// every `heartbeatInterval` a data connection `PUBLISH`es to `hb:<random>`; after
/// `heartbeatMaxMissed` unanswered beats the subscriber is declared dead, reset and reconnected.
/// With a shared heartbeat (`init(…sharedHeartbeat:…)`) the owner publishes instead and calls
/// `countBeat()` once per beat: one `PUBLISH` in a Redis Cluster reaches every node, so one beat
/// checks the subscribers on all masters at once.
public final class RedisSubscriber {
  public let connection: RedisConnection
  private let trackingPrefixes: [[UInt8]]?
  private let channels: [[UInt8]]
  private let publisher: RedisConnection?
  private let heartbeatInterval: UInt64
  private let heartbeatMaxMissed: Int
  /// The channel heartbeats arrive on (nil: no heartbeat).
  public let heartbeatChannel: [UInt8]?
  private var setupGeneration = 0
  private var unconfirmed = 0
  private var missedBeats = 0
  private var beatTimer: TimerID?
  private var started = false

  /// Keys changed on the server (nil: everything, e.g. `FLUSHALL`).
  public var onInvalidate: ((_ keys: [[UInt8]]?) -> Void)?
  /// A message on one of `channels`.
  public var onMessage: ((_ channel: [UInt8], _ payload: RedisReply) -> Void)?
  /// Flush the whole cache: the subscription was lost or (re-)established.
  public var onReset: (() -> Void)?
  /// True while every channel is confirmed and the heartbeat is answered.
  public private(set) var isSubscribed = false

  /// `connection` must be dedicated to this subscriber and not started; `publisher` is a data
  /// connection used for heartbeats (nil: no heartbeat, rely on TCP keepalive).
  public init(
    connection: RedisConnection, trackingPrefixes: [[UInt8]]?, channels: [[UInt8]] = [],
    heartbeatPublisher publisher: RedisConnection?, heartbeatInterval: UInt64 = 1_000_000_000,
    heartbeatMaxMissed: Int = 3
  ) {
    self.connection = connection
    self.trackingPrefixes = trackingPrefixes
    self.channels = channels
    self.publisher = publisher
    self.heartbeatInterval = heartbeatInterval
    self.heartbeatMaxMissed = heartbeatMaxMissed
    self.heartbeatChannel = publisher == nil ? nil : Self.randomHeartbeatChannel()
  }

  /// A subscriber whose heartbeats the owner publishes to `sharedHeartbeat` (calling
  /// `countBeat()` before each one); `connection` must be dedicated and not started.
  public init(
    connection: RedisConnection, trackingPrefixes: [[UInt8]]?, channels: [[UInt8]] = [],
    sharedHeartbeat: [UInt8], heartbeatMaxMissed: Int = 3
  ) {
    self.connection = connection
    self.trackingPrefixes = trackingPrefixes
    self.channels = channels
    self.publisher = nil
    self.heartbeatInterval = 0
    self.heartbeatMaxMissed = heartbeatMaxMissed
    self.heartbeatChannel = sharedHeartbeat
  }

  /// `hb:<16 random hex digits>`.
  public static func randomHeartbeatChannel() -> [UInt8] {
    var token = ""
    for _ in 0..<16 { token.append(String(UInt8.random(in: 0...15), radix: 16)) }
    return Array("hb:\(token)".utf8)
  }

  /// Connects and subscribes (and keeps doing so after every reconnect). Idempotent.
  public func start() {
    guard !started else { return }
    started = true
    connection.onReady = { [weak self] _ in self?.setUp() }
    connection.onDown = { [weak self] _, _ in self?.lost() }
    connection.start()
    if publisher != nil { scheduleBeat() }
  }

  public func close() {
    started = false
    if let beatTimer { connection.loop.cancel(beatTimer) }
    beatTimer = nil
    connection.close()
    isSubscribed = false
  }

  private func lost() {
    setupGeneration &+= 1
    guard isSubscribed else { return }
    isSubscribed = false
    onReset?()
  }

  private func restart() {
    lost()
    connection.reconnectNow()
  }

  private func setUp() {
    setupGeneration &+= 1
    let generation = setupGeneration
    guard let prefixes = trackingPrefixes else {
      subscribeAll(generation)
      return
    }
    connection.send(strings: ["CLIENT", "ID"]) { [weak self] result in
      guard let self, generation == self.setupGeneration else { return }
      guard case .success(.integer(let id)) = result else {
        self.restart()
        return
      }
      var command: [[UInt8]] = ["CLIENT", "TRACKING", "on", "REDIRECT", String(id), "BCAST"].map {
        Array($0.utf8)
      }
      for prefix in prefixes {
        command.append(Array("PREFIX".utf8))
        command.append(prefix)
      }
      self.connection.send(command) { [weak self] result in
        guard let self, generation == self.setupGeneration else { return }
        guard case .success = result else {
          self.restart()
          return
        }
        self.subscribeAll(generation)
      }
    }
  }

  private func subscribeAll(_ generation: Int) {
    var all: [[UInt8]] = []
    if trackingPrefixes != nil { all.append(Array("__redis__:invalidate".utf8)) }
    if let heartbeatChannel { all.append(heartbeatChannel) }
    all.append(contentsOf: channels)
    unconfirmed = all.count
    for channel in all {
      let ok = connection.subscribe(
        channel: channel,
        onSubscribed: { [weak self] in
          guard let self, generation == self.setupGeneration else { return }
          self.unconfirmed -= 1
          if self.unconfirmed == 0 {
            self.missedBeats = 0
            self.isSubscribed = true
            self.onReset?()
          }
        },
        onMessage: { [weak self] payload in
          guard let self, generation == self.setupGeneration else { return }
          self.deliver(channel: channel, payload)
        })
      if !ok {
        restart()
        return
      }
    }
  }

  private static let invalidateChannel = Array("__redis__:invalidate".utf8)

  private func deliver(channel: [UInt8], _ payload: RedisReply) {
    if channel == heartbeatChannel {
      missedBeats = 0
    } else if trackingPrefixes != nil && channel == RedisSubscriber.invalidateChannel {
      switch payload {
      case .array(let keys): onInvalidate?(keys.compactMap(\.bytes))
      default: onInvalidate?(nil)
      }
    } else {
      onMessage?(channel, payload)
    }
  }

  private func scheduleBeat() {
    let loop = connection.loop
    beatTimer = loop.schedule(at: loop.now &+ heartbeatInterval) { [weak self] in
      guard let self, self.started else { return }
      self.beat()
      self.scheduleBeat()
    }
  }

  private func beat() {
    guard let publisher, let heartbeatChannel, countBeat() else { return }
    publisher.send([Array("PUBLISH".utf8), heartbeatChannel, Array("beat".utf8)]) { _ in }
  }

  /// Counts one heartbeat about to be published on `heartbeatChannel`. False when the
  /// subscriber is not subscribed, or when `heartbeatMaxMissed` beats went unanswered: then it
  /// is reset and reconnected.
  @discardableResult
  public func countBeat() -> Bool {
    guard isSubscribed else { return false }
    if missedBeats >= heartbeatMaxMissed {
      missedBeats = 0
      restart()
      return false
    }
    missedBeats += 1
    return true
  }
}
