import EventLoop

/// One command handed to hiredis: the privdata of its reply callback (passed unretained; the
/// adapter's FIFO keeps it alive until hiredis calls back, which it does exactly once, with the
/// reply or with NULL when the context is freed). Loop-thread only.
///
/// When the deadline timer fires first, `completion` is taken and called with `.timeout`, and
/// the box stays queued as "abandoned": replies are FIFO, so the command cannot be removed from
/// hiredis' queue, and the late callback only pops the box.
final class RedisPendingCommand {
  var completion: ((Result<RedisReply, RedisError>) -> Void)?
  var timer: TimerID?
  /// `EventLoop.now` when sent (for the watchdog).
  let sentAt: UInt64

  init(sentAt: UInt64, completion: @escaping (Result<RedisReply, RedisError>) -> Void) {
    self.sentAt = sentAt
    self.completion = completion
  }

  /// Takes the completion (nil if already completed) so it runs at most once.
  func take() -> ((Result<RedisReply, RedisError>) -> Void)? {
    let completion = self.completion
    self.completion = nil
    return completion
  }
}
