extension RedisConnection {
  /// Runs `script` with `EVALSHA` (`EVALSHA_RO` when `readOnly`); on `NOSCRIPT` (script cache
  /// flushed, restart, failover, a replica that never ran it) re-sends it once with `EVAL`
  /// (`EVAL_RO`), which also caches it again. Each of the (at most two) commands gets `timeout`;
  /// the completion runs once.
  public func run(
    _ script: RedisScript, keys: [[UInt8]], args: [[UInt8]], readOnly: Bool = false, timeout: UInt64? = nil,
    _ completion: @escaping (Result<RedisReply, RedisError>) -> Void
  ) {
    let tail = script.tail(keys: keys, args: args)
    send(script.evalSHACommand(readOnly: readOnly) + tail, timeout: timeout) { [weak self] result in
      if RedisScript.isNoScript(result), let self {
        self.send(script.evalCommand(readOnly: readOnly) + tail, timeout: timeout, completion)
      } else {
        completion(result)
      }
    }
  }
}
