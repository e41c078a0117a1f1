/// Settings of a `RedisClusterClient`. Durations are nanoseconds. Immutable.
public struct RedisClusterOptions: Sendable {
  /// For every node connection (deadlines, watchdog, backoff, AUTH). `database` must be 0 and
  /// `requireMaster` is ignored: a cluster routes by `MOVED`, not by `ROLE`.
  public var connection = RedisConnectionOptions()
  /// `MOVED`/`ASK` hops one command may take before it fails (a loop guard).
  public var maxRedirects = 5
  /// Two slot-map refreshes start at least this far apart: a reshard answers many commands with
  /// `MOVED` at once (each is redirected anyway; one refresh serves them all), and a fleet of
  /// workers must not ask the cluster for its map many times a second each.
  public var minRefreshInterval: UInt64 = 1_000_000_000
  /// Refresh this often (plus up to half again at random, so a fleet spreads out) while the map
  /// is incomplete or a master is unreachable (following a failover), and every
  /// `refreshInterval` otherwise (new replicas).
  public var unhealthyRefreshInterval: UInt64 = 1_000_000_000
  public var refreshInterval: UInt64 = 30_000_000_000
  /// First delay before retrying `TRYAGAIN` / `CLUSTERDOWN`; doubles per retry, within the
  /// command's deadline.
  public var retryBase: UInt64 = 10_000_000

  public init() {}
}
