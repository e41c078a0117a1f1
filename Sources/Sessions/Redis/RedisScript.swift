/// A Lua script and its SHA-1, run with `EVALSHA` and re-sent with `EVAL` on `NOSCRIPT`.
/// Immutable.
///
/// Why EVALSHA rather than Redis 7 functions (`FUNCTION LOAD` / `FCALL`): functions survive
/// restarts and failover, but they are named, global state; during a rolling deploy two
/// Gatehouse versions with different code would overwrite each other's library with
/// `FUNCTION LOAD REPLACE`. Scripts are content-addressed, so versions coexist, and the cost of
/// an emptied script cache (restart, promoted replica, a cluster node that never ran it;
/// docs/redis.md §5, §9) is one extra round trip per script and node, after which `EVAL` has
/// cached it again.
public struct RedisScript: Sendable {
  public let source: [UInt8]
  /// Lowercase hex SHA-1 of `source`.
  public let sha1: String
  private let sha1Bytes: [UInt8]

  public init(_ source: String) {
    self.source = Array(source.utf8)
    self.sha1 = RedisScriptSHA1.hex(self.source)
    self.sha1Bytes = Array(sha1.utf8)
  }

  private static let evalSHA = Array("EVALSHA".utf8)
  private static let evalSHAReadOnly = Array("EVALSHA_RO".utf8)
  private static let eval = Array("EVAL".utf8)
  private static let evalReadOnly = Array("EVAL_RO".utf8)

  /// `EVALSHA <sha1>` (`EVALSHA_RO`: Redis 7, refused by the server if the script writes).
  func evalSHACommand(readOnly: Bool) -> [[UInt8]] {
    [readOnly ? Self.evalSHAReadOnly : Self.evalSHA, sha1Bytes]
  }

  /// `EVAL <source>` (`EVAL_RO`).
  func evalCommand(readOnly: Bool) -> [[UInt8]] { [readOnly ? Self.evalReadOnly : Self.eval, source] }

  /// `numkeys key… arg…`.
  func tail(keys: [[UInt8]], args: [[UInt8]]) -> [[UInt8]] {
    var tail: [[UInt8]] = [Array(String(keys.count).utf8)]
    tail.reserveCapacity(1 + keys.count + args.count)
    tail.append(contentsOf: keys)
    tail.append(contentsOf: args)
    return tail
  }

  /// True for the `NOSCRIPT` error reply: the node does not have the script cached.
  static func isNoScript(_ result: Result<RedisReply, RedisError>) -> Bool {
    if case .failure(.server(let message)) = result { return message.hasPrefix("NOSCRIPT") }
    return false
  }
}
