public import EventLoop

/// Finds the address to connect to; called on the loop before every connect attempt (a fixed
/// address, or `SentinelResolver.resolve`). Must call `completion` once, on the loop thread.
public typealias RedisAddressSource = (_ completion: @escaping (Result<RedisAddress, RedisError>) -> Void) ->
  Void

/// One multiplexed connection to Redis over hiredis' async API on an `EventLoop`. Loop-thread
/// only: create, use and close it on the loop's thread.
///
/// Commands are pipelined FIFO. Every command gets a completion called exactly once on the loop
/// thread and never from inside `send` (fast failures are deferred to after the batch): with the
/// reply, `.server` for an error reply, `.timeout` at its deadline, `.disconnected` when the
/// connection breaks or there is none, `.connectFailed` when it broke before the handshake
/// finished, `.overloaded` past `maxOutstanding`.
///
/// Lifecycle: `start()` resolves the address (`addressSource`), connects with a deadline, runs
/// the handshake (AUTH, SELECT, ROLE, READONLY), then calls `onReady`. After any failure it calls
/// `onDown` and reconnects with exponential backoff and jitter, re-resolving the address each
/// time. Commands sent while connecting are pipelined behind the handshake; commands sent while
/// waiting to reconnect fail at once with `.disconnected` (callers fall back, they do not queue).
public final class RedisConnection {
  private enum State {
    case idle
    case resolving
    case connecting
    case ready
    case waiting
    case closed
  }

  public let loop: EventLoop
  public let options: RedisConnectionOptions
  private let addressSource: RedisAddressSource
  private var state = State.idle
  private var adapter: RedisAdapter?
  private var backoff: RedisBackoff
  private var connectTimer: TimerID?
  private var retryTimer: TimerID?
  /// Bumped per attempt, so a late resolve result of an abandoned attempt is ignored.
  private var attemptID = 0
  private var reconnectAtOnce = false
  private var extraSubscriptions: [RedisSubscription] = []

  /// Called each time a connection becomes usable (after the handshake).
  public var onReady: ((RedisConnection) -> Void)?
  /// Called when a usable connection is lost or an attempt fails.
  public var onDown: ((RedisConnection, RedisError) -> Void)?

  /// The address of the current (or last attempted) connection.
  public private(set) var address: RedisAddress?
  /// True between the handshake and the loss of the connection.
  public var isReady: Bool { state == .ready }
  /// Commands handed to hiredis whose reply is still owed (timed-out ones included).
  public var outstanding: Int { adapter?.outstanding ?? 0 }

  public convenience init(loop: EventLoop, address: RedisAddress, options: RedisConnectionOptions = .init()) {
    self.init(loop: loop, options: options) { completion in completion(.success(address)) }
  }

  /// `random` draws jitter (`0..<bound`); injectable for tests.
  public init(
    loop: EventLoop, options: RedisConnectionOptions = .init(),
    random: @escaping (UInt64) -> UInt64 = { bound in UInt64.random(in: 0..<max(bound, 1)) },
    addressSource: @escaping RedisAddressSource
  ) {
    self.loop = loop
    self.options = options
    self.addressSource = addressSource
    self.backoff = RedisBackoff(base: options.reconnectBase, cap: options.reconnectCap, random: random)
  }

  /// Starts connecting. Idempotent.
  public func start() {
    guard state == .idle else { return }
    attempt()
  }

  /// Closes for good: pending commands fail with `.disconnected` (synchronously, inside this
  /// call), no reconnect. Idempotent.
  public func close() {
    guard state != .closed else { return }
    state = .closed
    cancelTimers()
    adapter?.free(.disconnected)
  }

  /// Drops the current connection (pending commands fail with `.disconnected`) and reconnects
  /// at once, re-resolving the address: for a Sentinel `+switch-master`, or a subscriber whose
  /// heartbeat went missing.
  public func reconnectNow() {
    switch state {
    case .closed, .idle, .resolving: return
    case .waiting:
      cancelTimers()
      attempt()
    case .connecting, .ready:
      reconnectAtOnce = true
      adapter?.free(.disconnected)
    }
  }

  /// Sends one command (binary-safe arguments, no format strings). `timeout` defaults to
  /// `options.commandTimeout` (ns).
  public func send(
    _ args: [[UInt8]], timeout: UInt64? = nil,
    _ completion: @escaping (Result<RedisReply, RedisError>) -> Void
  ) {
    guard let adapter, state == .connecting || state == .ready else {
      fail(completion, .disconnected)
      return
    }
    let deadline = loop.now &+ (timeout ?? options.commandTimeout)
    if let error = adapter.send(args, deadline: deadline, maxOutstanding: options.maxOutstanding, completion)
    {
      fail(completion, error)
    }
  }

  /// Sends `commands` back to back in one pipeline and answers once, when the last reply came:
  /// `.array` of the replies in order, or the first error reply as `.server`. One deadline for
  /// the group. Other clients' commands may run between them on the server (not a
  /// transaction); the caller orders them so that no interleaving gives a wrong answer.
  public func send(
    pipelined commands: [[[UInt8]]], timeout: UInt64? = nil,
    _ completion: @escaping (Result<RedisReply, RedisError>) -> Void
  ) {
    guard let adapter, state == .connecting || state == .ready else {
      fail(completion, .disconnected)
      return
    }
    let deadline = loop.now &+ (timeout ?? options.commandTimeout)
    if let error = adapter.send(
      pipelined: commands, deadline: deadline, maxOutstanding: options.maxOutstanding, completion)
    {
      fail(completion, error)
    }
  }

  /// `send(pipelined:)` for commands that write themselves into the adapter's encoder,
  /// answered through `box` (module-internal), a subclass that reads the replies in place and
  /// is told the outcome (`RedisPendingCommand.read`, `finished`). No arrays and no closure per
  /// call.
  func send<Group: RedisCommandGroup>(group: Group, timeout: UInt64?, box: RedisPendingCommand) {
    guard let adapter, state == .connecting || state == .ready else {
      loop.afterBatch { box.finish(.failure(.disconnected)) }
      return
    }
    let deadline = loop.now &+ (timeout ?? options.commandTimeout)
    if let error = adapter.send(
      group: group, deadline: deadline, maxOutstanding: options.maxOutstanding, box: box)
    {
      loop.afterBatch { box.finish(.failure(error)) }
    }
  }

  /// `send` with UTF-8 text arguments (admin paths and tests; the hot path passes bytes).
  public func send(
    strings args: [String], timeout: UInt64? = nil,
    _ completion: @escaping (Result<RedisReply, RedisError>) -> Void
  ) {
    send(args.map { Array($0.utf8) }, timeout: timeout, completion)
  }

  /// Subscribes the current connection to `channel` (`SUBSCRIBE`). After this the connection
  /// is in subscriber mode: send no other commands on it (hiredis 0.14 may never complete
  /// them). Subscriptions end with the connection; subscribe again from `onReady`.
  /// Returns false when there is no connection.
  @discardableResult
  func subscribe(
    channel: [UInt8], onSubscribed: @escaping () -> Void, onMessage: @escaping (RedisReply) -> Void
  ) -> Bool {
    guard let adapter, state == .ready else { return false }
    return adapter.subscribe(
      RedisSubscription(channel: channel, onSubscribed: onSubscribed, onMessage: onMessage))
  }

  private func fail(_ completion: @escaping (Result<RedisReply, RedisError>) -> Void, _ error: RedisError) {
    loop.afterBatch { completion(.failure(error)) }
  }

  // MARK: Connecting

  private func attempt() {
    state = .resolving
    attemptID &+= 1
    let id = attemptID
    addressSource { [weak self] result in
      guard let self, self.attemptID == id, self.state == .resolving else { return }
      switch result {
      case .success(let address): self.open(address)
      case .failure(let error): self.attemptFailed(error)
      }
    }
  }

  private func open(_ address: RedisAddress) {
    self.address = address
    let result = RedisAdapter.connect(
      loop: loop, address: address, watchdogLimit: options.effectiveWatchdogLimit,
      keepAlive: options.keepAlive,
      owner: self)
    switch result {
    case .failure(let error):
      attemptFailed(error)
    case .success(let adapter):
      self.adapter = adapter
      state = .connecting
      // The adapter strongly, never `weak` (a side table would put every retain and release of
      // it on the runtime's slow path, several per command: docs/performance.md, "Session from
      // Redis, round 7"): the timer is cancelled when the connection becomes ready or the
      // adapter closes, and `free` on a closed adapter does nothing.
      connectTimer = loop.schedule(at: loop.now &+ options.connectTimeout) { [weak self, adapter] in
        self?.connectTimer = nil
        adapter.free(.connectFailed("\(address): no connection within the connect timeout"))
      }
      sendHandshake(on: adapter)
    }
  }

  private func handshakeCommands() -> [[[UInt8]]] {
    var commands: [[[UInt8]]] = []
    if let password = options.password {
      var auth = [Array("AUTH".utf8)]
      if let username = options.username { auth.append(Array(username.utf8)) }
      auth.append(Array(password.utf8))
      commands.append(auth)
    }
    if options.database != 0 {
      commands.append([Array("SELECT".utf8), Array(String(options.database).utf8)])
    }
    if options.requireMaster {
      commands.append([Array("ROLE".utf8)])
    }
    if options.readOnly {
      commands.append([Array("READONLY".utf8)])
    }
    return commands
  }

  /// Pipelined right behind the connect; the last reply makes the connection ready. Without a
  /// handshake, readiness is the TCP connect itself (`adapterConnected`).
  private func sendHandshake(on adapter: RedisAdapter) {
    let commands = handshakeCommands()
    for (index, command) in commands.enumerated() {
      let isLast = index == commands.count - 1
      let name = String(decoding: command[0], as: UTF8.self)
      // `unowned` (not `weak`: no side table, see the connect timer): a command's completion
      // runs only from its own adapter (a reply, a deadline, or the adapter being freed).
      let error = adapter.send(command, deadline: .max, maxOutstanding: .max) {
        [weak self, unowned adapter] result in
        guard let self, adapter === self.adapter else { return }
        switch result {
        case .failure(.server(let message)):
          adapter.free(.connectFailed("\(adapter.address): \(name) refused: \(message)"))
        case .failure:
          return  // the adapter is closing; adapterClosed reports it
        case .success(let reply):
          if name == "ROLE", reply.array?.first?.string != "master" {
            adapter.free(.connectFailed("\(adapter.address): ROLE is not master"))
            return
          }
          if isLast { self.becomeReady(adapter) }
        }
      }
      if error != nil {
        adapter.free(.connectFailed("\(adapter.address): handshake not sent"))
        return
      }
    }
  }

  private func becomeReady(_ adapter: RedisAdapter) {
    guard state == .connecting, adapter === self.adapter else { return }
    if let connectTimer { loop.cancel(connectTimer) }
    connectTimer = nil
    adapter.isReady = true
    state = .ready
    backoff.reset()
    onReady?(self)
  }

  private func attemptFailed(_ error: RedisError) {
    guard state != .closed else { return }
    onDown?(self, error)
    guard state != .closed else { return }
    scheduleRetry()
  }

  private func scheduleRetry() {
    guard options.reconnect else {
      state = .closed
      return
    }
    if reconnectAtOnce {
      reconnectAtOnce = false
      attempt()
      return
    }
    state = .waiting
    let delay = backoff.nextDelay()
    retryTimer = loop.schedule(at: loop.now &+ delay) { [weak self] in
      guard let self, self.state == .waiting else { return }
      self.retryTimer = nil
      self.attempt()
    }
  }

  private func cancelTimers() {
    if let connectTimer { loop.cancel(connectTimer) }
    if let retryTimer { loop.cancel(retryTimer) }
    connectTimer = nil
    retryTimer = nil
  }
}

extension RedisConnection: RedisAdapterOwner {
  func adapterConnected(_ adapter: RedisAdapter) {
    guard adapter === self.adapter, handshakeCommands().isEmpty else { return }
    becomeReady(adapter)
  }

  func adapterClosed(_ adapter: RedisAdapter) {
    guard adapter === self.adapter else { return }
    self.adapter = nil
    if let connectTimer { loop.cancel(connectTimer) }
    connectTimer = nil
    guard state != .closed else { return }
    let wasReady = state == .ready
    let error =
      adapter.failure ?? (wasReady ? .disconnected : .connectFailed("\(adapter.address): connection closed"))
    if wasReady {
      onDown?(self, error)
      guard state != .closed else { return }
      scheduleRetry()
    } else {
      attemptFailed(error)
    }
  }
}
