import EventLoop

/// One command — or a group of commands pipelined together and answered as one — handed to
/// hiredis: the privdata of each of its reply callbacks (passed unretained; the adapter's FIFO
/// holds it once per command, which keeps it alive until hiredis has called back for each, with
/// the reply or with NULL when the context is freed). Loop-thread only.
///
/// A group (`RedisConnection.send(pipelined:)`) completes once, when its last reply arrived:
/// with `.array` of the replies in order, or with the first error reply as `.server`.
///
/// When the deadline timer fires first, `completion` is taken and called with `.timeout`, and
/// the box stays queued as "abandoned": replies are FIFO, so the command cannot be removed from
/// hiredis' queue, and the late callback only pops the box.
final class RedisPendingCommand {
  var completion: ((Result<RedisReply, RedisError>) -> Void)?
  var timer: TimerID?
  /// `EventLoop.now` when sent (for the watchdog).
  let sentAt: UInt64
  /// Replies still owed to this box.
  private(set) var remaining: Int
  /// A group's replies so far (empty for a single command).
  private var collected: [RedisReply] = []
  /// A group's first error reply.
  private var firstError: RedisError?
  private let isGroup: Bool
  private let size: Int
  /// Reads the group's replies in place (their slots in the answer are `.null`); nil: copied.
  let reader: (any RedisReplyReader)?
  /// The index, in the group, of the next reply.
  var nextIndex: Int { size - remaining }

  /// `group`: the number of commands of a pipelined group (answered as `.array`, even for
  /// one); nil for a single command.
  init(
    sentAt: UInt64, group: Int? = nil, reader: (any RedisReplyReader)? = nil,
    completion: @escaping (Result<RedisReply, RedisError>) -> Void
  ) {
    self.sentAt = sentAt
    self.reader = reader
    self.size = group ?? 1
    self.remaining = group ?? 1
    self.isGroup = group != nil
    self.completion = completion
    if isGroup && reader == nil { collected.reserveCapacity(remaining) }
  }

  /// Takes the completion (nil if already completed) so it runs at most once.
  func take() -> ((Result<RedisReply, RedisError>) -> Void)? {
    let completion = self.completion
    self.completion = nil
    return completion
  }

  /// Records one reply; returns the box's answer once every reply arrived, else nil.
  func record(_ result: Result<RedisReply, RedisError>) -> Result<RedisReply, RedisError>? {
    remaining -= 1
    guard isGroup else { return result }
    switch result {
    case .success(let reply): collected.append(reply)
    case .failure(let error): if firstError == nil { firstError = error }
    }
    guard remaining == 0 else { return nil }
    if let firstError { return .failure(firstError) }
    return .success(.array(collected))
  }
}
