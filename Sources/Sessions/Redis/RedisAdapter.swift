import CHiredis
import EventLoop

/// What a `RedisAdapter` reports to the connection that owns it. Loop-thread only.
protocol RedisAdapterOwner: AnyObject {
  /// TCP connect finished (`onConnect(REDIS_OK)`). Runs inside hiredis' unguarded connect
  /// callback: freeing the adapter from here is deferred by `free` itself.
  func adapterConnected(_ adapter: RedisAdapter)
  /// The context is gone (freed by hiredis or by us); runs after the batch, never inside a
  /// hiredis call, and exactly once per adapter.
  func adapterClosed(_ adapter: RedisAdapter)
}

/// One hiredis async context driven by the `EventLoop`: the five `ev` hooks, the epoll
/// registration, and the FIFO of commands hiredis still owes a callback. Loop-thread only
/// (hiredis' async API is not thread-safe).
///
/// Rules honoured (docs/redis.md §1, §2):
/// - level-triggered; `EPOLLOUT` only between hiredis' `addWrite` and `delWrite`; hooks are
///   idempotent (an epoll `MOD` only when the mask changes);
/// - `EPOLLERR`/`EPOLLHUP` go to `redisAsyncHandleRead`, and `HandleWrite` is never called once
///   `cleanup` marked the adapter dead;
/// - `ev.data` holds a +1 reference released in `afterBatch` after `cleanup`, so the adapter
///   outlives every event and callback of the batch in which its context was freed;
/// - never `redisAsyncFree` from inside `onConnect` (0.14.1 use-after-free): deferred to after
///   the batch; never touch the context after `cleanup` (which runs before `onDisconnect`);
/// - once connected, the commands of one loop iteration leave in one `write` at the end of the
///   iteration (`flush`), without an `EPOLLOUT` round through epoll: `EPOLLOUT` is registered
///   only while a connect is in progress or a write did not take everything (docs/redis.md §4);
/// - deadlines and the watchdog are one timer per adapter, not one per command
///   (`RedisAdapter+Deadlines.swift`);
/// - a context we free (connect deadline, watchdog) reports through `adapterClosed` like any
///   other, since hiredis calls neither connect nor disconnect callback for it;
/// - the properties every command and reply touch are `@exclusivity(unchecked)`: loop-thread
///   only, and no access to one of them spans a call that could reach it again (the context is
///   read into a local before hiredis is called; the encoder is lent to hiredis only while it
///   copies a command, and no hook touches it; a completion runs after its queue entry was
///   popped), so the runtime's access checks — about 17 per lookup, ~1,400 instructions —
///   guard nothing (docs/performance.md, "Session from Redis, round 6").
final class RedisAdapter: EventHandler {
  let loop: EventLoop
  let address: RedisAddress
  weak var owner: (any RedisAdapterOwner)?
  @exclusivity(unchecked) private(set) var context: UnsafeMutablePointer<redisAsyncContext>?
  private let fd: Int32
  private var registration: Registration?
  private var reading = false
  private var writing = false
  /// `cleanup` ran: the context is freed or being freed.
  @exclusivity(unchecked) private(set) var isDead = false
  /// `redisAsyncFree` was called or hiredis started tearing down; no further free calls.
  @exclusivity(unchecked) private(set) var isClosing = false
  private var inConnectCallback = false
  /// TCP connect succeeded.
  private(set) var isConnected = false
  /// The owner finished its handshake; failures after this are `.disconnected`.
  var isReady = false
  /// Why we freed the context; reported to pending commands instead of the default.
  private(set) var failure: RedisError?

  /// hiredis has output buffered (between its `addWrite` and `delWrite`).
  private var wantsWrite = false
  /// A `flush` is queued for the end of this loop iteration.
  private var flushQueued = false
  /// Inside `flush`: an `addWrite` now means the write was partial.
  private var flushing = false
  /// `EventLoop.now` of the last read made for a timed-out command (one per iteration).
  var drainedAt: UInt64 = .max
  @exclusivity(unchecked) private var encoder = RedisCommandEncoder()
  /// Where hiredis builds this context's replies (`gh_reply_arena`, CHiredis/shim.h): freed after
  /// the batch in which the context went, since freeing the reader may still free a reply.
  private var replyArena: UnsafeMutablePointer<gh_reply_arena>?

  /// The commands hiredis owes a callback, in sending order, from `pendingHead` on.
  @exclusivity(unchecked) private(set) var pending: [RedisPendingCommand?] = []
  @exclusivity(unchecked) private(set) var pendingHead = 0
  private var subscriptions: [RedisSubscription] = []
  /// The adapter's one timer: the earliest command deadline or watchdog limit (`checkAt`).
  @exclusivity(unchecked) var checkTimer: TimerID?
  /// When `checkTimer` fires; `.max` when none is armed.
  @exclusivity(unchecked) var checkAt: UInt64 = .max
  /// Hard limit for the oldest outstanding command, ns.
  let watchdogLimit: UInt64

  var outstanding: Int { pending.count - pendingHead }

  private init(
    loop: EventLoop, address: RedisAddress, context: UnsafeMutablePointer<redisAsyncContext>,
    watchdogLimit: UInt64
  ) {
    self.loop = loop
    self.address = address
    self.context = context
    self.fd = context.pointee.c.fd
    self.watchdogLimit = watchdogLimit
  }

  /// Starts a non-blocking connect and attaches the context to `loop`.
  static func connect(
    loop: EventLoop, address: RedisAddress, watchdogLimit: UInt64, keepAlive: Bool,
    owner: any RedisAdapterOwner
  ) -> Result<RedisAdapter, RedisError> {
    guard let context = redisAsyncConnect(address.host, Int32(address.port)) else {
      return .failure(.connectFailed("\(address): cannot allocate a context"))
    }
    if context.pointee.err != 0 {
      let why = context.pointee.errstr.map { String(cString: $0) } ?? "error \(context.pointee.err)"
      redisAsyncFree(context)
      return .failure(.connectFailed("\(address): \(why)"))
    }
    Socket.setCloseOnExec(context.pointee.c.fd)
    let adapter = RedisAdapter(loop: loop, address: address, context: context, watchdogLimit: watchdogLimit)
    adapter.owner = owner
    adapter.attach(keepAlive: keepAlive)
    return .success(adapter)
  }

  private func attach(keepAlive: Bool) {
    guard let context else { return }
    let me = Unmanaged.passRetained(self).toOpaque()
    context.pointee.data = me
    context.pointee.ev.data = me
    context.pointee.ev.addRead = { p in RedisAdapter.with(p) { $0.setInterest(read: true, write: nil) } }
    context.pointee.ev.delRead = { p in RedisAdapter.with(p) { $0.setInterest(read: false, write: nil) } }
    context.pointee.ev.addWrite = { p in RedisAdapter.with(p) { $0.outputPending(true) } }
    context.pointee.ev.delWrite = { p in RedisAdapter.with(p) { $0.outputPending(false) } }
    context.pointee.ev.cleanup = { p in RedisAdapter.with(p) { $0.cleanup() } }
    if let reader = context.pointee.c.reader, let arena = gh_reply_arena_new(Self.replyArenaSize) {
      gh_reply_arena_attach(reader, arena)
      replyArena = arena
    }
    registration = loop.register(fd: fd, interest: [], handler: self)
    if keepAlive { _ = redisEnableKeepAlive(&context.pointee.c) }
    // Must follow the hooks: it calls addWrite at once to learn when connect() finishes.
    _ = redisAsyncSetConnectCallback(context) { ac, status in
      guard let ac else { return }
      RedisAdapter.with(ac.pointee.data) { $0.connectCallback(ok: status == REDIS_OK) }
    }
    _ = redisAsyncSetDisconnectCallback(context) { _, _ in
      // The context is being freed; `cleanup` already reported. Touch nothing here.
    }
  }

  /// The arena's block: a lookup's three replies take about 1.5 KiB; larger replies spill.
  private static let replyArenaSize = 16 * 1024

  /// Calls `body` with the adapter behind a context's `data` / `ev.data`, without retaining it:
  /// that pointer holds the +1 taken in `attach`, released only after the batch in which
  /// `cleanup` ran, so the adapter outlives every hook and callback hiredis makes.
  @inline(__always)
  private static func with(_ pointer: UnsafeMutableRawPointer?, _ body: (RedisAdapter) -> Void) {
    guard let pointer else { return }
    Unmanaged<RedisAdapter>.fromOpaque(pointer)._withUnsafeGuaranteedRef(body)
  }

  // MARK: Hooks and events

  private func setInterest(read: Bool?, write: Bool?) {
    guard !isDead, let registration else { return }
    let newRead = read ?? reading
    let newWrite = write ?? writing
    guard newRead != reading || newWrite != writing else { return }
    reading = newRead
    writing = newWrite
    var interest: Interest = []
    if reading { interest.insert(.read) }
    if writing { interest.insert(.write) }
    loop.modify(registration, fd: fd, interest: interest)
  }

  /// hiredis' `addWrite` / `delWrite`. Before the connect finished, `EPOLLOUT` is how we learn
  /// that it did; during `flush`, `addWrite` means the socket took only part of the output and
  /// the rest waits for `EPOLLOUT`. Otherwise one `flush` per loop iteration writes everything
  /// the iteration's commands appended.
  private func outputPending(_ pending: Bool) {
    guard !isDead else { return }
    wantsWrite = pending
    guard pending else {
      setInterest(read: nil, write: false)
      return
    }
    if !isConnected || flushing {
      setInterest(read: nil, write: true)
      return
    }
    guard !flushQueued, !writing else { return }
    flushQueued = true
    loop.afterBatch { [self] in flush() }
  }

  /// Writes hiredis' output buffer (one `write`); what the socket does not take is left to
  /// `EPOLLOUT`.
  private func flush() {
    flushQueued = false
    guard !isDead, !isClosing, wantsWrite, !writing, let context else { return }
    flushing = true
    redisAsyncHandleWrite(context)
    flushing = false
  }

  private func cleanup() {
    guard !isDead else { return }
    isDead = true
    isClosing = true
    if let registration { loop.unregister(registration, fd: fd) }
    registration = nil
    context = nil
    disarmCheck()
    loop.afterBatch { [self] in
      gh_reply_arena_free(replyArena)
      replyArena = nil
      owner?.adapterClosed(self)
      Unmanaged.passUnretained(self).release()  // the +1 taken in attach
    }
  }

  func handle(_ events: Events) {
    guard !isDead, let context else { return }
    if events.isReadable || events.isError || events.isHangup {
      redisAsyncHandleRead(context)
      if isDead { return }
    }
    if events.isWritable && writing {
      redisAsyncHandleWrite(context)
    }
  }

  private func connectCallback(ok: Bool) {
    if ok {
      isConnected = true
      inConnectCallback = true
      owner?.adapterConnected(self)
      inConnectCallback = false
    } else {
      // hiredis frees the context right after this returns (pending callbacks get NULL).
      isClosing = true
      if failure == nil {
        let why = context?.pointee.errstr.map { String(cString: $0) } ?? "connect failed"
        failure = .connectFailed("\(address): \(why)")
      }
    }
  }

  /// Frees the context now (every pending command completes with `reason` unless it already
  /// has one), or after the batch when called from inside `onConnect`. Idempotent.
  func free(_ reason: RedisError) {
    guard !isDead, !isClosing, let context else { return }
    if failure == nil { failure = reason }
    if inConnectCallback {
      loop.afterBatch { [self] in free(reason) }
      return
    }
    isClosing = true
    redisAsyncFree(context)
  }

  // MARK: Commands

  /// Hands a command to hiredis; nil on success, else why it was not sent (the completion is
  /// then not kept). `deadline` is absolute monotonic ns.
  func send(
    _ args: [[UInt8]], deadline: UInt64, maxOutstanding: Int,
    _ completion: @escaping (Result<RedisReply, RedisError>) -> Void
  ) -> RedisError? {
    guard !isDead, !isClosing, context != nil else { return .disconnected }
    guard outstanding < maxOutstanding else { return .overloaded }
    let box = RedisPendingCommand(sentAt: loop.now, deadline: deadline, completion: completion)
    guard append(args, box) else { return .disconnected }
    armCheck(for: box)
    return nil
  }

  /// Hands `commands` to hiredis back to back, answered as one (`RedisPendingCommand`): all
  /// are sent or none is (hiredis refuses only while closing, and then refuses every one).
  func send(
    pipelined commands: [[[UInt8]]], deadline: UInt64, maxOutstanding: Int,
    _ completion: @escaping (Result<RedisReply, RedisError>) -> Void
  ) -> RedisError? {
    guard !isDead, !isClosing, context != nil, !commands.isEmpty else { return .disconnected }
    guard outstanding + commands.count <= maxOutstanding else { return .overloaded }
    let box = RedisPendingCommand(
      sentAt: loop.now, deadline: deadline, group: commands.count, completion: completion)
    for command in commands {
      guard append(command, box) else {
        // Only the first can be refused (the context started closing before it): nothing of
        // the group is queued then. A refusal after that would strand the group's callbacks.
        return .disconnected
      }
    }
    armCheck(for: box)
    return nil
  }

  /// `send(pipelined:)` for a group that writes itself into the encoder, answered through
  /// `box`, which reads the replies in place (`RedisPendingCommand.read`, `finished`); `box`
  /// is queued only when this answers nil.
  func send<Group: RedisCommandGroup>(
    group: Group, deadline: UInt64, maxOutstanding: Int, box: RedisPendingCommand
  ) -> RedisError? {
    precondition(box.readsInPlace && box.size == group.count, "one in-place box per command group")
    guard !isDead, !isClosing, context != nil, group.count > 0 else { return .disconnected }
    guard outstanding + group.count <= maxOutstanding else { return .overloaded }
    box.sent(at: loop.now, deadline: deadline)
    for index in 0..<group.count {
      group.write(index, into: &encoder)
      guard appendEncoded(box) else { return .disconnected }  // only the first can be refused
    }
    armCheck(for: box)
    return nil
  }

  private func append(_ args: [[UInt8]], _ box: RedisPendingCommand) -> Bool {
    guard context != nil else { return false }
    encoder.encode(args) { _, _ in }
    return appendEncoded(box)
  }

  /// Hands hiredis the command last written into the encoder, answered into `box`.
  private func appendEncoded(_ box: RedisPendingCommand) -> Bool {
    guard let context else { return false }
    let status = encoder.withCommand { command, length in
      redisAsyncFormattedCommand(
        context,
        { ac, reply, privdata in
          guard let privdata else { return }
          // Retained: `replied` pops the FIFO's reference before it finishes the box.
          let box = Unmanaged<RedisPendingCommand>.fromOpaque(privdata).takeUnretainedValue()
          guard let ac else { return }
          RedisAdapter.with(ac.pointee.data) { $0.replied(box, reply, errstr: ac.pointee.errstr) }
        }, Unmanaged.passUnretained(box).toOpaque(), command, length)
    }
    guard status == REDIS_OK else { return false }
    pending.append(box)
    return true
  }

  /// Subscribes with a persistent callback. Returns false if the context is closing.
  func subscribe(_ subscription: RedisSubscription) -> Bool {
    guard !isDead, !isClosing, let context else { return false }
    let status = encoder.encode([Array("SUBSCRIBE".utf8), subscription.channel]) { command, length in
      redisAsyncFormattedCommand(
        context,
        { _, reply, privdata in
          guard let privdata, let reply else { return }  // NULL: context going away
          let subscription = Unmanaged<RedisSubscription>.fromOpaque(privdata).takeUnretainedValue()
          subscription.deliver(RedisReply(copying: reply.assumingMemoryBound(to: redisReply.self)))
        }, Unmanaged.passUnretained(subscription).toOpaque(), command, length)
    }
    guard status == REDIS_OK else { return false }
    subscriptions.append(subscription)
    return true
  }

  private func replied(
    _ box: RedisPendingCommand, _ reply: UnsafeMutableRawPointer?, errstr: UnsafeMutablePointer<CChar>?
  ) {
    // hiredis 0.14 can run a finished callback again for a reply it cannot route (#1040):
    // a box that is not the head was already completed.
    guard pendingHead < pending.count, pending[pendingHead] === box else { return }
    pending[pendingHead] = nil
    pendingHead += 1
    if pendingHead == pending.count {
      pending.removeAll(keepingCapacity: true)
      pendingHead = 0
    } else if pendingHead >= 64 && pendingHead * 2 >= pending.count {
      pending.removeFirst(pendingHead)
      pendingHead = 0
    }
    let result: Result<RedisReply, RedisError>
    if let reply {
      let reply = UnsafePointer(reply.assumingMemoryBound(to: redisReply.self))
      if reply.pointee.type == REDIS_REPLY_ERROR {
        let message = reply.replyBytesOfError
        result = .failure(.server(String(decoding: message, as: UTF8.self)))
      } else if box.readsInPlace {
        box.read(box.nextIndex, reply)
        result = .success(.null)  // not kept: the box has read it
      } else {
        result = .success(RedisReply(copying: reply))
      }
    } else {
      isClosing = true
      if let failure {
        result = .failure(failure)
      } else if isReady {
        result = .failure(.disconnected)
      } else {
        let why = errstr.map { String(cString: $0) } ?? "connection closed"
        result = .failure(.connectFailed("\(address): \(why.isEmpty ? "connection closed" : why)"))
      }
    }
    guard let answer = box.record(result) else { return }  // a group waits for its last reply
    // No timer to cancel: the adapter's check finds this box answered (`isWaiting` false).
    box.finish(answer)
  }
}
