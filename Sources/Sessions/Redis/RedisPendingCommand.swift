import CHiredis

/// One command — or a group of commands pipelined together and answered as one — handed to
/// hiredis: the privdata of each of its reply callbacks (passed unretained; the adapter's FIFO
/// holds it once per command, which keeps it alive until hiredis has called back for each, with
/// the reply or with NULL when the context is freed). Loop-thread only.
///
/// A group (`RedisConnection.send(pipelined:)`) completes once, when its last reply arrived:
/// with `.array` of the replies in order, or with the first error reply as `.server`. A group
/// that reads its replies in place is a subclass (`RedisLookupReplies`): it overrides `read` and
/// `finished` and is answered through them, without a closure and without a second object per
/// call (docs/performance.md, "Session from Redis, round 7").
///
/// When its deadline passes first (the adapter's check, `RedisAdapter+Deadlines.swift`), it
/// finishes with `.timeout`, and the box stays queued as "abandoned":
/// replies are FIFO, so the command cannot be removed from hiredis' queue, and the late callback
/// only pops the box.
///
/// Its mutable state is `@exclusivity(unchecked)`: loop-thread only, and no access to it spans a
/// call that could reach it again (the completion is taken out before it is called), so the
/// runtime's checks guard nothing (docs/performance.md, "Session from Redis, round 7").
class RedisPendingCommand {
  @exclusivity(unchecked) private var completion: ((Result<RedisReply, RedisError>) -> Void)?
  /// Not yet answered (nor timed out).
  @exclusivity(unchecked) private(set) var isWaiting = true
  /// `EventLoop.now` when sent (for the watchdog).
  @exclusivity(unchecked) private(set) var sentAt: UInt64
  /// Absolute monotonic ns after which it completes with `.timeout`.
  @exclusivity(unchecked) private(set) var deadline: UInt64
  /// Replies still owed to this box.
  @exclusivity(unchecked) private(set) var remaining: Int
  /// A group's replies so far (empty for a single command).
  @exclusivity(unchecked) private var collected: [RedisReply] = []
  /// A group's first error reply.
  @exclusivity(unchecked) private var firstError: RedisError?
  private let isGroup: Bool
  /// Reads the group's replies in place (`read`) and is told the outcome (`finished`): a
  /// subclass; false: the replies are copied into the answer.
  let readsInPlace: Bool
  /// The number of commands (1 for a single command).
  let size: Int
  /// The index, in the group, of the next reply.
  var nextIndex: Int { size - remaining }

  /// `group`: the number of commands of a pipelined group (answered as `.array`, even for
  /// one); nil for a single command.
  init(
    sentAt: UInt64, deadline: UInt64, group: Int? = nil,
    completion: @escaping (Result<RedisReply, RedisError>) -> Void
  ) {
    self.sentAt = sentAt
    self.deadline = deadline
    self.readsInPlace = false
    self.size = group ?? 1
    self.remaining = group ?? 1
    self.isGroup = group != nil
    self.completion = completion
    if isGroup { collected.reserveCapacity(remaining) }
  }

  /// A subclass's group of `group` commands read in place; `sent` sets its times.
  init(readingInPlace group: Int) {
    sentAt = 0
    deadline = .max
    readsInPlace = true
    size = group
    remaining = group
    isGroup = true
    completion = nil
  }

  /// When a group read in place was handed to hiredis, and its deadline.
  func sent(at now: UInt64, deadline: UInt64) {
    sentAt = now
    self.deadline = deadline
  }

  /// The reply of the group's command number `index` (0-based, in sending order), valid only
  /// during the call; may come after `finished` (a late reply of a timed-out group), to be
  /// ignored then. Error replies never reach it (they finish the group as `.server`). For a
  /// subclass that reads in place.
  func read(_ index: Int, _ reply: UnsafePointer<redisReply>) {}

  /// The outcome of a group read in place, once, never inside the `send`: nil when every reply
  /// was read, else why not (`.timeout`, `.disconnected`, the first error reply as `.server`, …).
  func finished(_ error: RedisError?) {}

  /// Answers the box, once: later calls (a reply after its timeout) do nothing.
  func finish(_ result: Result<RedisReply, RedisError>) {
    guard isWaiting else { return }
    isWaiting = false
    if let completion {
      self.completion = nil
      completion(result)
    } else if readsInPlace {
      switch result {
      case .success: finished(nil)
      case .failure(let error): finished(error)
      }
    }
  }

  /// Records one reply; returns the box's answer once every reply arrived, else nil.
  func record(_ result: Result<RedisReply, RedisError>) -> Result<RedisReply, RedisError>? {
    remaining -= 1
    guard isGroup else { return result }
    switch result {
    case .success(let reply): if !readsInPlace { collected.append(reply) }
    case .failure(let error): if firstError == nil { firstError = error }
    }
    guard remaining == 0 else { return nil }
    if let firstError { return .failure(firstError) }
    return .success(.array(collected))
  }
}
