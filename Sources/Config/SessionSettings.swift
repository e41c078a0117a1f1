public import Sessions

/// `[session]` and `[session.cache]`: browser sessions (docs/DECISIONS.md §7). `nil` in
/// `GatehouseConfig` when the file has no `[session]` table; then routes with
/// `auth = "session"` or `"session_or_jwt"` are config errors. Immutable.
public struct SessionSettings: Sendable, Equatable {
  public enum Store: String, Sendable, Equatable {
    case memory
    case redis
  }

  public enum SameSite: String, Sendable, Equatable {
    case strict = "Strict"
    case lax = "Lax"
    case none = "None"
  }

  /// `memory` (one process) or `redis` (shared by replicas; needs `[redis]`).
  public let store: Store
  /// Ticket signing keys (each ≥ 32 bytes after resolution): the first signs, all verify.
  public let keys: [Secret]
  /// Key for the per-user tag; defaults to the last of `keys`. Must stay stable across key rotations.
  public let userTagKey: Secret?
  public let cookieName: String
  public let cookiePath: String
  /// Empty = host-only cookie (required for `__Host-` names).
  public let cookieDomain: String
  public let secureCookie: Bool
  public let httpOnly: Bool
  public let sameSite: SameSite
  /// The policy (timeouts in nanoseconds, cap, binding, csrf switch).
  public let policy: SessionPolicy
  /// Request header the app/scripts send the CSRF token in.
  public let csrfHeader: String
  /// Form field checked for `application/x-www-form-urlencoded` bodies.
  public let csrfFormField: String
  /// Largest form body inspected for the CSRF field (bigger forms must use the header).
  public let csrfMaxFormBytes: Int
  /// Name of a cookie readable by scripts carrying the CSRF token; empty = not sent.
  public let csrfCookie: String
  /// Where unauthenticated browser navigations are sent (local path).
  public let loginURL: String
  /// Send the session cookie on to the upstream (default: removed).
  public let forwardCookie: Bool
  /// Response header names the app uses to drive the lifecycle.
  public let loginHeader: String
  public let attributesHeader: String
  public let logoutHeader: String
  public let elevateHeader: String
  /// Session attribute → request header to the app (e.g. role → X-User-Role).
  public let attributeHeaders: [String: String]
  /// `[session.cache]`: L1 TTL cache.
  public let cacheTTL: Duration
  public let cacheMaxEntries: Int
  /// `[session.cache] enabled`: false sends every lookup to the store (benchmarks, debugging).
  public let cacheEnabled: Bool
  /// `[session.cache] verified_tickets`: cookie values whose MAC verified, remembered per worker
  /// (`VerifiedTicketCache`; docs/performance.md, "Verified-ticket cache size").
  public var verifiedTickets = 4096
  /// `[redis]`: set when `store == .redis`, or when a migration moves a memory store to Redis
  /// (then it is the target).
  public let redis: RedisSettings?
  /// `[session.migration]`, nil when not migrating.
  public let migration: MigrationSettings?
  /// `[redis.target]`: the target of a Redis → Redis migration.
  public let redisTarget: RedisSettings?
  /// `vault_cookies`: the app's cookies kept in the session record, never shown to the client.
  public var vaultCookies: [String] = []
  /// `[session.detect]`, nil when absent.
  public var detect: LoginDetection?

  public init(
    store: Store = .memory, keys: [Secret] = [], userTagKey: Secret? = nil,
    cookieName: String = "__Host-gatehouse", cookiePath: String = "/", cookieDomain: String = "",
    secureCookie: Bool = true, httpOnly: Bool = true, sameSite: SameSite = .lax,
    policy: SessionPolicy = SessionPolicy(), csrfHeader: String = "X-CSRF-Token",
    csrfFormField: String = "csrf_token", csrfMaxFormBytes: Int = 16384, csrfCookie: String = "",
    loginURL: String = "/login", forwardCookie: Bool = false, loginHeader: String = "Gatehouse-Login",
    attributesHeader: String = "Gatehouse-Session-Attributes", logoutHeader: String = "Gatehouse-Logout",
    elevateHeader: String = "Gatehouse-Elevate", attributeHeaders: [String: String] = [:],
    cacheTTL: Duration = .seconds(60), cacheMaxEntries: Int = 100_000, cacheEnabled: Bool = true,
    redis: RedisSettings? = nil, migration: MigrationSettings? = nil, redisTarget: RedisSettings? = nil
  ) {
    self.store = store
    self.keys = keys
    self.userTagKey = userTagKey
    self.cookieName = cookieName
    self.cookiePath = cookiePath
    self.cookieDomain = cookieDomain
    self.secureCookie = secureCookie
    self.httpOnly = httpOnly
    self.sameSite = sameSite
    self.policy = policy
    self.csrfHeader = csrfHeader
    self.csrfFormField = csrfFormField
    self.csrfMaxFormBytes = csrfMaxFormBytes
    self.csrfCookie = csrfCookie
    self.loginURL = loginURL
    self.forwardCookie = forwardCookie
    self.loginHeader = loginHeader
    self.attributesHeader = attributesHeader
    self.logoutHeader = logoutHeader
    self.elevateHeader = elevateHeader
    self.attributeHeaders = attributeHeaders
    self.cacheTTL = cacheTTL
    self.cacheMaxEntries = cacheMaxEntries
    self.cacheEnabled = cacheEnabled
    self.redis = redis
    self.migration = migration
    self.redisTarget = redisTarget
  }

  /// The Redis settings of the store in use (`from` while migrating); nil for the memory store.
  public var fromRedis: RedisSettings? { store == .redis ? redis : nil }

  /// The Redis settings of a migration's target: `[redis.target]` for Redis → Redis, `[redis]`
  /// for memory → Redis; nil when not migrating.
  public var toRedis: RedisSettings? {
    guard migration != nil else { return nil }
    return store == .redis ? redisTarget : redis
  }
}
