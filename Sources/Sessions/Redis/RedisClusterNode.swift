/// One cluster node's connection on one worker, in one of two pools: plain (masters: writes,
/// scripts, `CLUSTER SLOTS`, redirects) or `READONLY` (replica reads). Created on first use.
/// Loop-thread only.
final class RedisClusterNode {
  let address: RedisAddress
  let role: RedisReadTarget
  let connection: RedisConnection
  /// The connection failed since it was last ready (a command now would fail or wait).
  var isDown = false
  /// Called once per command sent through this node (per-node metrics).
  let countCommand: (() -> Void)?

  init(address: RedisAddress, role: RedisReadTarget, connection: RedisConnection, countCommand: (() -> Void)?)
  {
    self.address = address
    self.role = role
    self.connection = connection
    self.countCommand = countCommand
  }

  func send(
    _ args: [[UInt8]], timeout: UInt64, _ completion: @escaping (Result<RedisReply, RedisError>) -> Void
  ) {
    countCommand?()
    connection.send(args, timeout: timeout, completion)
  }
}

/// One routed command on its way through redirects and retries. Loop-thread only.
final class RedisClusterCommand {
  let args: [[UInt8]]
  let slot: Int
  let target: RedisReadTarget
  /// Absolute (`EventLoop.now`) deadline of the whole command, every hop included.
  let deadline: UInt64
  var redirects = 0
  var retries = 0
  private var completion: ((Result<RedisReply, RedisError>) -> Void)?

  init(
    args: [[UInt8]], slot: Int, target: RedisReadTarget, deadline: UInt64,
    completion: @escaping (Result<RedisReply, RedisError>) -> Void
  ) {
    self.args = args
    self.slot = slot
    self.target = target
    self.deadline = deadline
    self.completion = completion
  }

  /// Completes once; later calls do nothing.
  func finish(_ result: Result<RedisReply, RedisError>) {
    let completion = self.completion
    self.completion = nil
    completion?(result)
  }
}
