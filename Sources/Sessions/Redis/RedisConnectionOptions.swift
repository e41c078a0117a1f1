/// Settings of one `RedisConnection`. Durations are nanoseconds. Immutable.
public struct RedisConnectionOptions: Sendable {
  /// TCP connect plus handshake (AUTH, SELECT, ROLE, READONLY) must finish within this.
  public var connectTimeout: UInt64 = 200_000_000
  /// Default per-command deadline.
  public var commandTimeout: UInt64 = 50_000_000
  /// The connection is freed (all pending commands fail) when its oldest outstanding command is
  /// older than this: a stuck server or a black-holed path. Default 3 × `commandTimeout`, at
  /// least 1 s, so one slow command does not cost every other in flight.
  public var watchdogLimit: UInt64? = nil
  /// Commands in flight (including timed-out ones whose reply is still owed) before `send`
  /// fails with `.overloaded`.
  public var maxOutstanding: Int = 4096
  /// `AUTH [username] password` on every connect when set.
  public var username: String? = nil
  public var password: String? = nil
  /// `SELECT database` on every connect when not 0.
  public var database: Int = 0
  /// Send `ROLE` on every connect and refuse a server that is not a master (Sentinel rule: a
  /// promoted replica or a stale master must not take writes).
  public var requireMaster: Bool = false
  /// Send `READONLY` on every connect: a Redis Cluster replica then answers reads for its
  /// master's slots instead of redirecting them (replica reads). Writes still get `MOVED`.
  public var readOnly: Bool = false
  /// Reconnect automatically after a failure or drop.
  public var reconnect: Bool = true
  /// Backoff between reconnect attempts.
  public var reconnectBase: UInt64 = 50_000_000
  public var reconnectCap: UInt64 = 5_000_000_000
  /// SO_KEEPALIVE (hiredis' 15 s idle / 5 s interval) so a silently dead peer is noticed even
  /// without traffic.
  public var keepAlive: Bool = true

  public init() {}

  var effectiveWatchdogLimit: UInt64 { watchdogLimit ?? max(3 * commandTimeout, 1_000_000_000) }
}
