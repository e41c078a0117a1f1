public import Net

/// `[redis]`: where the shared session store lives and how Gatehouse behaves when it cannot
/// reach it (docs/DECISIONS.md §8). Present exactly when `[session] store = "redis"`. Host
/// names are resolved when the file is loaded (the event loops connect to numeric addresses
/// only). Immutable.
public struct RedisSettings: Sendable, Equatable {
  /// One Redis server, the master that a set of sentinels names, or a Redis Cluster reached
  /// through seed nodes (any of its nodes; the slot map names the rest).
  public enum Endpoint: Sendable, Equatable {
    case address(SocketAddress)
    case sentinels([SocketAddress], masterName: String)
    case cluster([SocketAddress])
  }

  /// Where session lookups are read from (docs/redis.md §12).
  public enum ReadFrom: String, Sendable, Equatable {
    /// Every command goes to the master.
    case master
    /// Lookups go to a replica when one is ready; a miss, failure or an answer later than
    /// `replicaTimeout` is retried on the master. Sentinel or Cluster only.
    case replicaPreferred = "replica_preferred"
  }

  /// What an L1 miss (or an L1 hit past `staleGrace`) gets while the store is unavailable.
  public enum OnStoreUnavailable: String, Sendable, Equatable {
    /// 503 with `Retry-After`.
    case deny
    /// `auth = "session"` routes 503; `session_or_jwt` routes accept only JWTs.
    case jwtOnly = "jwt_only"
  }

  public let endpoint: Endpoint
  public let username: String?
  public let password: Secret?
  public let database: Int
  /// Prepended to every key (`<prefix>s:{tag}:…`); lets several deployments share one Redis.
  public let keyPrefix: String
  public let connectTimeout: Duration
  /// The connection's default deadline, and the default of both directions below.
  public let commandTimeout: Duration
  /// Lookups (`load`, `list`) and writes (create, touch, rotate, destroy, revoke).
  public let readTimeout: Duration
  public let writeTimeout: Duration
  public let onStoreUnavailable: OnStoreUnavailable
  /// How long L1 hits keep working after the store became unavailable.
  public let staleGrace: Duration
  /// Consecutive failures or timeouts that open the circuit breaker.
  public let breakerFailures: Int
  /// How long an open breaker fails fast before one half-open probe.
  public let breakerCooldown: Duration
  public let readFrom: ReadFrom
  /// A replica's answer to a lookup later than this is abandoned for the master's.
  public let replicaTimeout: Duration
  /// After a create or rotation, `WAIT` for this many replicas (0 = off); a write not
  /// acknowledged in `replicaAckTimeout` is refused (503), never handed out as a cookie.
  public let minReplicasAcked: Int
  public let replicaAckTimeout: Duration

  /// 1 behind sentinels (a failover must not lose a login answered 200), else 0.
  public static func defaultMinReplicasAcked(_ endpoint: Endpoint) -> Int {
    if case .sentinels = endpoint { return 1 }
    return 0
  }

  public init(
    endpoint: Endpoint = .address(SocketAddress(ip: IPAddress("127.0.0.1")!, port: 6379)),
    username: String? = nil, password: Secret? = nil, database: Int = 0, keyPrefix: String = "gh:",
    connectTimeout: Duration = .milliseconds(200), commandTimeout: Duration = .milliseconds(50),
    onStoreUnavailable: OnStoreUnavailable = .deny, staleGrace: Duration = .seconds(60),
    breakerFailures: Int = 5, breakerCooldown: Duration = .seconds(2), readFrom: ReadFrom = .master,
    replicaTimeout: Duration = .milliseconds(25), minReplicasAcked: Int = 0,
    replicaAckTimeout: Duration = .milliseconds(20), readTimeout: Duration? = nil,
    writeTimeout: Duration? = nil
  ) {
    self.readTimeout = readTimeout ?? commandTimeout
    self.writeTimeout = writeTimeout ?? commandTimeout
    self.minReplicasAcked = minReplicasAcked
    self.replicaAckTimeout = replicaAckTimeout
    self.endpoint = endpoint
    self.username = username
    self.password = password
    self.database = database
    self.keyPrefix = keyPrefix
    self.connectTimeout = connectTimeout
    self.commandTimeout = commandTimeout
    self.onStoreUnavailable = onStoreUnavailable
    self.staleGrace = staleGrace
    self.breakerFailures = breakerFailures
    self.breakerCooldown = breakerCooldown
    self.readFrom = readFrom
    self.replicaTimeout = replicaTimeout
  }
}
