extension RedisConnection {
  /// Runs `script` with `EVALSHA`; on `NOSCRIPT` (script cache flushed, restart, failover)
  /// re-sends it once with `EVAL`, which also caches it again. Each of the (at most two)
  /// commands gets `timeout`; the completion runs once.
  public func run(
    _ script: RedisScript, keys: [[UInt8]], args: [[UInt8]], timeout: UInt64? = nil,
    _ completion: @escaping (Result<RedisReply, RedisError>) -> Void
  ) {
    var tail: [[UInt8]] = [Array(String(keys.count).utf8)]
    tail.append(contentsOf: keys)
    tail.append(contentsOf: args)
    send([Array("EVALSHA".utf8), Array(script.sha1.utf8)] + tail, timeout: timeout) { [weak self] result in
      if case .failure(.server(let message)) = result, message.hasPrefix("NOSCRIPT"), let self {
        self.send([Array("EVAL".utf8), script.source] + tail, timeout: timeout, completion)
      } else {
        completion(result)
      }
    }
  }
}
