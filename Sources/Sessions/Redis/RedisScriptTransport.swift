public import EventLoop

/// Which copy of the data a command may be answered from.
public enum RedisReadTarget: Sendable {
  /// The master of the key's slot: every write and script, and reads by default.
  case master
  /// A replica of the key's slot when one is reachable, else the master. Read-only commands
  /// only (`EVALSHA_RO`); the answer may lag the master by the replication delay.
  case replica
}

/// Where a `RedisSessionStore` sends its scripts: one `RedisConnection` (a single Redis or a
/// Sentinel-discovered master), a master with a replica (`RedisReplicatedTransport`), or a
/// cluster (`RedisClusterClient`, routing by the keys' slot). Loop-thread only: every method is
/// called on `loop`, and every completion runs exactly once on `loop`, never inside the call.
public protocol RedisScriptTransport: AnyObject {
  var loop: EventLoop { get }
  /// True while the transport can reach the master(s) it needs (its breaker's "connected").
  var isAvailable: Bool { get }
  /// True when `.replica` can reach a replica at all (false: it would go to the master anyway).
  var hasReplicas: Bool { get }
  /// A connection to every master that holds keys, in a stable order: what `SCAN` must visit to
  /// see every key (the backfill of `gatehouse migrate`). Empty while a cluster map is unknown.
  var scanConnections: [RedisConnection] { get }

  /// Runs `script` with `EVALSHA` (`EVALSHA_RO` for `.replica`), re-sent once with
  /// `EVAL`/`EVAL_RO` on `NOSCRIPT`. All `keys` must share one hash slot; `keys[0]` routes.
  func run(
    _ script: RedisScript, keys: [[UInt8]], args: [[UInt8]], on target: RedisReadTarget, timeout: UInt64?,
    _ completion: @escaping (Result<RedisReply, RedisError>) -> Void)

  /// `WAIT replicas timeoutMillis` on the connection to the master serving `key` (the one the
  /// writes for that key went through): answers how many replicas acknowledged them.
  func waitForReplicas(
    _ replicas: Int, timeoutMillis: Int, key: [UInt8], timeout: UInt64?,
    _ completion: @escaping (Result<Int, RedisError>) -> Void)
}

extension RedisScriptTransport {
  /// The `WAIT` command and its reply as an acknowledged-replica count.
  static func waitCommand(_ replicas: Int, _ timeoutMillis: Int) -> [[UInt8]] {
    [Array("WAIT".utf8), Array(String(replicas).utf8), Array(String(timeoutMillis).utf8)]
  }

  static func acknowledged(_ result: Result<RedisReply, RedisError>) -> Result<Int, RedisError> {
    result.flatMap { reply in
      guard let count = reply.integer else { return .failure(.protocol("WAIT answered \(reply)")) }
      return .success(Int(count))
    }
  }
}

extension RedisConnection: RedisScriptTransport {
  public var isAvailable: Bool { isReady }
  public var hasReplicas: Bool { false }
  public var scanConnections: [RedisConnection] { [self] }

  public func run(
    _ script: RedisScript, keys: [[UInt8]], args: [[UInt8]], on target: RedisReadTarget, timeout: UInt64?,
    _ completion: @escaping (Result<RedisReply, RedisError>) -> Void
  ) {
    run(script, keys: keys, args: args, readOnly: target == .replica, timeout: timeout, completion)
  }

  public func waitForReplicas(
    _ replicas: Int, timeoutMillis: Int, key: [UInt8], timeout: UInt64?,
    _ completion: @escaping (Result<Int, RedisError>) -> Void
  ) {
    send(Self.waitCommand(replicas, timeoutMillis), timeout: timeout) { completion(Self.acknowledged($0)) }
  }
}
