/// Settings of a `RedisClusterClient`. Durations are nanoseconds. Immutable.
public struct RedisClusterOptions: Sendable {
  /// For every node connection (deadlines, watchdog, backoff, AUTH). `database` must be 0 and
  /// `requireMaster` is ignored: a cluster routes by `MOVED`, not by `ROLE`.
  public var connection = RedisConnectionOptions()
  /// `MOVED`/`ASK` hops one command may take before it fails (a loop guard).
  public var maxRedirects = 5
  /// Two slot-map refreshes start at least this far apart (a reshard answers many commands
  /// with `MOVED` at once; one refresh serves them all).
  public var minRefreshInterval: UInt64 = 100_000_000
  /// Refresh this often while the map is incomplete or a master is unreachable (following a
  /// failover), and never less often than `refreshInterval` otherwise (new replicas).
  public var unhealthyRefreshInterval: UInt64 = 250_000_000
  public var refreshInterval: UInt64 = 30_000_000_000
  /// First delay before retrying `TRYAGAIN` / `CLUSTERDOWN`; doubles per retry, within the
  /// command's deadline.
  public var retryBase: UInt64 = 10_000_000

  public init() {}
}
