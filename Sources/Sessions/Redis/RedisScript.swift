/// A Lua script and its SHA-1, run with `EVALSHA` and re-sent with `EVAL` on `NOSCRIPT`.
/// Immutable.
///
/// Why EVALSHA rather than Redis 7 functions (`FUNCTION LOAD` / `FCALL`): functions survive
/// restarts and failover, but they are named, global state; during a rolling deploy two
/// Gatehouse versions with different code would overwrite each other's library with
/// `FUNCTION LOAD REPLACE`. Scripts are content-addressed, so versions coexist, and the cost of
/// an emptied script cache (restart, promoted replica; docs/redis.md §5) is one extra round trip per
/// script, after which `EVAL` has cached it again.
public struct RedisScript: Sendable {
  public let source: [UInt8]
  /// Lowercase hex SHA-1 of `source`.
  public let sha1: String

  public init(_ source: String) {
    self.source = Array(source.utf8)
    self.sha1 = RedisScriptSHA1.hex(self.source)
  }
}
