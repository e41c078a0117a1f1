/// One command — or a group of commands pipelined together and answered as one — handed to
/// hiredis: the privdata of each of its reply callbacks (passed unretained; the adapter's FIFO
/// holds it once per command, which keeps it alive until hiredis has called back for each, with
/// the reply or with NULL when the context is freed). Loop-thread only.
///
/// A group (`RedisConnection.send(pipelined:)`) completes once, when its last reply arrived:
/// with `.array` of the replies in order, or with the first error reply as `.server`. A group
/// with a `reader` is answered through the reader instead (`finished`), without a closure.
///
/// When its deadline passes first (the adapter's check, `RedisAdapter+Deadlines.swift`), it
/// finishes with `.timeout`, and the box stays queued as "abandoned":
/// replies are FIFO, so the command cannot be removed from hiredis' queue, and the late callback
/// only pops the box.
///
/// Its mutable state is `@exclusivity(unchecked)`: loop-thread only, and no access to it spans a
/// call that could reach it again (the completion is taken out before it is called), so the
/// runtime's checks guard nothing (docs/performance.md, "Session from Redis, round 7").
final class RedisPendingCommand {
  @exclusivity(unchecked) private var completion: ((Result<RedisReply, RedisError>) -> Void)?
  /// Not yet answered (nor timed out).
  @exclusivity(unchecked) private(set) var isWaiting = true
  /// `EventLoop.now` when sent (for the watchdog).
  let sentAt: UInt64
  /// Absolute monotonic ns after which it completes with `.timeout`.
  let deadline: UInt64
  /// Replies still owed to this box.
  @exclusivity(unchecked) private(set) var remaining: Int
  /// A group's replies so far (empty for a single command).
  @exclusivity(unchecked) private var collected: [RedisReply] = []
  /// A group's first error reply.
  @exclusivity(unchecked) private var firstError: RedisError?
  private let isGroup: Bool
  private let size: Int
  /// Reads the group's replies in place and is told the outcome; nil: copied into the answer.
  let reader: (any RedisReplyReader)?
  /// The index, in the group, of the next reply.
  var nextIndex: Int { size - remaining }

  /// `group`: the number of commands of a pipelined group (answered as `.array`, even for
  /// one); nil for a single command. `completion`: nil only with a `reader`.
  init(
    sentAt: UInt64, deadline: UInt64, group: Int? = nil, reader: (any RedisReplyReader)? = nil,
    completion: ((Result<RedisReply, RedisError>) -> Void)?
  ) {
    self.sentAt = sentAt
    self.deadline = deadline
    self.reader = reader
    self.size = group ?? 1
    self.remaining = group ?? 1
    self.isGroup = group != nil
    self.completion = completion
    if isGroup && reader == nil { collected.reserveCapacity(remaining) }
  }

  /// Answers the box, once: later calls (a reply after its timeout) do nothing.
  func finish(_ result: Result<RedisReply, RedisError>) {
    guard isWaiting else { return }
    isWaiting = false
    if let completion {
      self.completion = nil
      completion(result)
    } else if let reader {
      switch result {
      case .success: reader.finished(nil)
      case .failure(let error): reader.finished(error)
      }
    }
  }

  /// Records one reply; returns the box's answer once every reply arrived, else nil.
  func record(_ result: Result<RedisReply, RedisError>) -> Result<RedisReply, RedisError>? {
    remaining -= 1
    guard isGroup else { return result }
    switch result {
    case .success(let reply): if reader == nil { collected.append(reply) }
    case .failure(let error): if firstError == nil { firstError = error }
    }
    guard remaining == 0 else { return nil }
    if let firstError { return .failure(firstError) }
    return .success(.array(collected))
  }
}
