public import EventLoop

/// Master discovery through Redis Sentinel, by the official client rules (docs/redis.md §5), on the
/// loop with hiredis' async API (never a blocking call). Loop-thread only.
///
/// - `resolve`: ask the sentinels in order, each with `queryTimeout` for connect and reply, for
///   `SENTINEL get-master-addr-by-name`; the first that answers moves to the front of the list.
///   "No sentinel reachable" (`.connectFailed`) is distinguished from "every reachable sentinel
///   answered null" (`.server`).
/// - Use `addressSource` as a `RedisConnection`'s source with `requireMaster = true`: every
///   (re)connect re-resolves, and the connection's handshake runs `ROLE` and refuses a node
///   that is not a master (stale master, promoted-then-demoted node).
/// - `start()` subscribes to `+switch-master` on a sentinel (cycling through them on reconnect)
///   and polls `resolve` every `pollInterval` as the fallback for missed messages; either path
///   calls `onMasterChanged` with the new address, and the owner then calls `reconnectNow()` on
///   connections to another address (the old master keeps serving for ~10 s after a failover,
///   docs/redis.md §5, and writes there are lost).
public final class SentinelResolver {
  public let loop: EventLoop
  public let masterName: String
  public private(set) var sentinels: [RedisAddress]
  public let queryTimeout: UInt64
  public let pollInterval: UInt64
  /// The master address most recently learned (resolve, poll or `+switch-master`).
  public private(set) var master: RedisAddress?
  /// Called when the master address changes (not for the first discovery).
  public var onMasterChanged: ((RedisAddress) -> Void)?

  private var subscription: RedisConnection?
  private var pollTimer: TimerID?
  private var nextSubscriptionSentinel = 0
  private var running = false

  public init(
    loop: EventLoop, sentinels: [RedisAddress], masterName: String, queryTimeout: UInt64 = 200_000_000,
    pollInterval: UInt64 = 3_000_000_000
  ) {
    precondition(!sentinels.isEmpty, "SentinelResolver needs at least one sentinel")
    self.loop = loop
    self.sentinels = sentinels
    self.masterName = masterName
    self.queryTimeout = queryTimeout
    self.pollInterval = pollInterval
  }

  /// A `RedisAddressSource` that resolves through this resolver on every connect attempt.
  public var addressSource: RedisAddressSource {
    { [weak self] completion in
      guard let self else {
        completion(.failure(.connectFailed("sentinel resolver is gone")))
        return
      }
      self.resolve(completion)
    }
  }

  /// Asks the sentinels in order; the completion runs once on the loop thread.
  public func resolve(_ completion: @escaping (Result<RedisAddress, RedisError>) -> Void) {
    ask(index: 0, answeredNull: false, lastError: nil, completion)
  }

  private func ask(
    index: Int, answeredNull: Bool, lastError: RedisError?,
    _ completion: @escaping (Result<RedisAddress, RedisError>) -> Void
  ) {
    guard index < sentinels.count else {
      if answeredNull {
        completion(.failure(.server("no sentinel knows a master named \(masterName)")))
      } else {
        completion(
          .failure(.connectFailed("no sentinel reachable (last: \(lastError?.description ?? "none"))")))
      }
      return
    }
    let sentinel = sentinels[index]
    var options = RedisConnectionOptions()
    options.connectTimeout = queryTimeout
    options.commandTimeout = queryTimeout
    options.reconnect = false
    let connection = RedisConnection(loop: loop, address: sentinel, options: options)
    connection.start()
    connection.send(strings: ["SENTINEL", "get-master-addr-by-name", masterName]) { [weak self] result in
      connection.close()
      guard let self else { return }
      switch result {
      case .success(.array(let parts)) where parts.count == 2:
        guard let host = parts[0].string, let portText = parts[1].string, let port = Int(portText),
          let address = RedisAddress(host: host, port: port)
        else {
          self.ask(
            index: index + 1, answeredNull: answeredNull, lastError: .protocol("bad master address"),
            completion)
          return
        }
        self.promote(sentinel)
        self.learned(address)
        completion(.success(address))
      case .success:
        self.ask(index: index + 1, answeredNull: true, lastError: lastError, completion)
      case .failure(let error):
        self.ask(index: index + 1, answeredNull: answeredNull, lastError: error, completion)
      }
    }
  }

  /// Official rule: the sentinel that answered goes first next time.
  private func promote(_ sentinel: RedisAddress) {
    guard let at = sentinels.firstIndex(of: sentinel), at > 0 else { return }
    sentinels.remove(at: at)
    sentinels.insert(sentinel, at: 0)
  }

  private func learned(_ address: RedisAddress) {
    let previous = master
    master = address
    if let previous, previous != address { onMasterChanged?(address) }
  }

  // MARK: Watching

  /// Subscribes to `+switch-master` and starts polling. Idempotent.
  public func start() {
    guard !running else { return }
    running = true
    var options = RedisConnectionOptions()
    options.connectTimeout = queryTimeout
    options.reconnectCap = 1_000_000_000
    let connection = RedisConnection(loop: loop, options: options) { [weak self] completion in
      guard let self else {
        completion(.failure(.connectFailed("sentinel resolver is gone")))
        return
      }
      let sentinel = self.sentinels[self.nextSubscriptionSentinel % self.sentinels.count]
      self.nextSubscriptionSentinel &+= 1
      completion(.success(sentinel))
    }
    connection.onReady = { [weak self] connection in
      connection.subscribe(
        channel: Array("+switch-master".utf8), onSubscribed: {},
        onMessage: { [weak self] payload in self?.switchMaster(payload) })
    }
    subscription = connection
    connection.start()
    schedulePoll()
  }

  public func stop() {
    running = false
    subscription?.close()
    subscription = nil
    if let pollTimer { loop.cancel(pollTimer) }
    pollTimer = nil
  }

  /// `<name> <old-ip> <old-port> <new-ip> <new-port>`.
  private func switchMaster(_ payload: RedisReply) {
    guard let words = payload.string?.split(separator: " "), words.count == 5, words[0] == masterName,
      let port = Int(words[4]), let address = RedisAddress(host: String(words[3]), port: port)
    else { return }
    learned(address)
  }

  private func schedulePoll() {
    pollTimer = loop.schedule(at: loop.now &+ pollInterval) { [weak self] in
      guard let self, self.running else { return }
      self.resolve { _ in }
      self.schedulePoll()
    }
  }
}
