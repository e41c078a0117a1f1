/// Everything `GET /status.json` answers, as plain values: built in one go from the sampler's
/// history, the latest metrics exposition and the live components (`StatusBoard.snapshot`),
/// then encoded (`StatusSnapshot+JSON`). No I/O and no clock of its own, so tests build one
/// from literals and check the JSON. Immutable.
struct StatusSnapshot: Sendable {
  /// Wall-clock nanoseconds when the snapshot was taken.
  var generatedAt: Int64
  var health: HealthVerdict
  var traffic: TrafficStatus
  var auth: AuthStatus
  /// Nil without `[session]`.
  var sessions: SessionStatus?
  var issuers: [IssuerStatus]
  var process: ProcessStatus
}

/// Requests: headline rates and latency over the last `windowSeconds`, the sparklines, and
/// the per-route totals since start.
struct TrafficStatus: Sendable {
  static let windowSeconds = 10

  var requestsPerSecond: Double?
  /// `1xx` … `5xx` per second.
  var byClass: [(String, Double)]
  var p50Milliseconds: Double?
  var p99Milliseconds: Double?
  /// Sparkline name → one value a second, oldest first (nil = gap).
  var series: [(String, [Double?])]
  var routes: [RouteStatus]
}

/// One route's totals since the process started (`-` = requests no route matched).
struct RouteStatus: Equatable, Sendable {
  var name: String
  var requests: Double
  var clientErrors: Double
  var serverErrors: Double
  var authFailures: Double
}

/// Authentication results since start, and the logins and logouts of the last minute.
struct AuthStatus: Sendable {
  /// Session cookie checks by result, in a fixed order.
  var sessionResults: [(String, Double)]
  var csrfFailures: Double
  var bindingFailures: Double
  /// JWT validations by result (`ok` or the failure kind), sorted by name.
  var jwtResults: [(String, Double)]
  /// Requests refused for authentication, per second over the last `TrafficStatus.windowSeconds`.
  var refusedPerSecond: Double?
  var loginsPerMinute: Double?
  var logoutsPerMinute: Double?
  var series: [(String, [Double?])]
}

/// The session side: store, L1 cache, and for Redis the store's health and topology.
struct SessionStatus: Sendable {
  /// `memory` or `redis`.
  var store: String
  /// Live sessions: exact for the memory store; for Redis only when a metric carries it.
  var activeSessions: Double?
  var cacheEnabled: Bool
  var cacheEntries: Int
  /// L1 hits / lookups over the last minute, and since start; nil without lookups.
  var cacheHitRateMinute: Double?
  var cacheHitRateTotal: Double?
  var redis: RedisStatus?
}

/// A Redis store as the process sees it.
struct RedisStatus: Sendable {
  var workers: Int
  var connectedWorkers: Int
  /// Worst breaker over workers: `closed`, `half-open` or `open`.
  var breaker: String
  var openBreakers: Int
  /// The L1 invalidation feed is subscribed (cached sessions may be served).
  var invalidationsSubscribed: Bool
  /// Store round-trip p99 over the last minute, nil without calls.
  var p99Milliseconds: Double?
  var topology: RedisTopologyView?
}

/// The process itself.
struct ProcessStatus: Sendable {
  var version: String
  var uptimeSeconds: Double
  var workers: Int
  /// 1 for the configuration loaded at start, +1 per applied reload.
  var configGeneration: Int
  var configLoadedAt: Int64
  var residentBytes: Int?
  var clientConnections: Double
  var upstreamIdle: Double
  var upstreamBusy: Double
}
