import CHiredis
import EventLoop

/// Command deadlines and the watchdog of a `RedisAdapter`, on one timer per adapter instead of
/// one per command: a lookup used to schedule a timer (a closure and a heap entry) and cancel it
/// when its reply came, on every request (docs/performance.md, "Session from Redis, round 5").
///
/// The timer (`checkTimer`) is armed for the earliest of the waiting commands' deadlines and the
/// oldest command's watchdog limit. It is armed again only for a command due earlier than it,
/// and stays armed when replies empty the queue: with steady traffic it fires about once per
/// deadline period and finds nothing due. When it fires (`check`):
/// - a command whose deadline passed first reads what the socket already holds, so a reply
///   that arrived while the loop was busy is not reported as a timeout (docs/redis.md §3), and
///   then completes with `.timeout` if it is still waiting;
/// - the watchdog: the oldest outstanding command is older than the hard limit, so the
///   connection is stuck (hiredis 0.14 has no timeouts): the context is freed, every pending
///   command fails and the owner reconnects.
/// Loop-thread only.
extension RedisAdapter {
  /// Arms the check for `box` if it is due before the armed one.
  func armCheck(for box: RedisPendingCommand) {
    arm(at: min(box.deadline, box.sentAt &+ watchdogLimit))
  }

  func disarmCheck() {
    if let checkTimer { loop.cancel(checkTimer) }
    checkTimer = nil
    checkAt = .max
  }

  private func arm(at due: UInt64) {
    guard due < checkAt else { return }
    if let checkTimer { loop.cancel(checkTimer) }
    checkAt = due
    // Strong: the adapter already lives until `cleanup` (the +1 of `attach`), which disarms
    // this timer; a `weak` capture would give every adapter a side table, which makes each of
    // its retains and releases (several per command) take the runtime's slow path
    // (docs/performance.md, "Session from Redis, round 7").
    checkTimer = loop.schedule(at: due) { [self] in check() }
  }

  private func check() {
    checkTimer = nil
    checkAt = .max
    guard !isDead, !isClosing else { return }
    expireDueCommands()
    guard !isDead, !isClosing, pendingHead < pending.count, let oldest = pending[pendingHead] else { return }
    if oldest.sentAt &+ watchdogLimit <= loop.now {
      free(.disconnected)
      return
    }
    var due = oldest.sentAt &+ watchdogLimit
    for index in pendingHead..<pending.count {
      if let box = pending[index], box.isWaiting, box.deadline < due { due = box.deadline }
    }
    arm(at: due)  // a completion above may have armed an earlier one
  }

  /// Completes every waiting command whose deadline passed with `.timeout`, after reading what
  /// the socket holds. A completion may send commands or free the adapter: the due ones are
  /// collected first (an allocation only when something timed out).
  private func expireDueCommands() {
    let now = loop.now
    var due: [RedisPendingCommand] = []
    for index in pendingHead..<pending.count {
      if let box = pending[index], box.isWaiting, box.deadline <= now { due.append(box) }
    }
    guard !due.isEmpty else { return }
    drainReplies()
    for box in due {
      box.finish(.failure(.timeout))
    }
  }

  /// Reads and dispatches what the socket holds, at most once per loop iteration (only the
  /// timeout path calls it): one 16 KiB read after another while they make progress (replies
  /// completed or bytes buffered), at most 8.
  private func drainReplies() {
    guard drainedAt != loop.now else { return }
    drainedAt = loop.now
    var reads = 0
    while reads < 8, !isDead, !isClosing, isConnected, let context {
      let before = (outstanding, Self.readerState(context))
      redisAsyncHandleRead(context)
      reads += 1
      if isDead || (outstanding, Self.readerState(context)) == before { break }
    }
  }

  /// hiredis' read buffer length and cursor: they change when a read brought bytes.
  private static func readerState(_ context: UnsafeMutablePointer<redisAsyncContext>) -> Int {
    guard let reader = context.pointee.c.reader else { return 0 }
    return reader.pointee.len &* 31 &+ reader.pointee.pos
  }
}
