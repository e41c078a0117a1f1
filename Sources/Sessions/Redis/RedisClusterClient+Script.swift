import EventLoop

extension RedisClusterClient: RedisScriptTransport {
  /// Runs `script` on the node serving `keys[0]`'s slot with `EVALSHA` (`EVALSHA_RO` on a
  /// replica); on `NOSCRIPT` (a node that never ran it, a promoted replica) re-sends it once with
  /// `EVAL` (`EVAL_RO`), routed again. Each of the (at most two) commands gets `timeout` for all
  /// its redirects; the completion runs once.
  public func run(
    _ script: RedisScript, keys: [[UInt8]], args: [[UInt8]], on target: RedisReadTarget, timeout: UInt64?,
    _ completion: @escaping (Result<RedisReply, RedisError>) -> Void
  ) {
    let slot = keys.first.map { RedisClusterSlot.of($0) } ?? 0
    let tail = script.tail(keys: keys, args: args)
    let readOnly = target == .replica
    send(script.evalSHACommand(readOnly: readOnly) + tail, slot: slot, on: target, timeout: timeout) {
      [weak self] result in
      if RedisScript.isNoScript(result), let self {
        self.send(
          script.evalCommand(readOnly: readOnly) + tail, slot: slot, on: target, timeout: timeout, completion)
      } else {
        completion(result)
      }
    }
  }

  /// `WAIT` on the connection to the master serving `key`'s slot, where its writes went.
  public func waitForReplicas(
    _ replicas: Int, timeoutMillis: Int, key: [UInt8], timeout: UInt64?,
    _ completion: @escaping (Result<Int, RedisError>) -> Void
  ) {
    send(
      Self.waitCommand(replicas, timeoutMillis), slot: RedisClusterSlot.of(key), on: .master, timeout: timeout
    ) {
      completion(Self.acknowledged($0))
    }
  }
}
