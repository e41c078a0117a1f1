import Codecs
public import Config
import Crypto
public import EventLoop
public import Prometheus
public import Sessions
import Synchronization

/// Everything the session routes share across workers: the ticket key ring, the policy, the
/// L1 cache, cookie settings and metrics. Built once at start from `[session]`.
///
/// Stores: the memory store is one shared instance (`memoryStore`, thread-safe); with Redis
/// each worker gets its own connection, store and circuit breaker on its own loop
/// (`workerStore(index:loop:)`), and the process shares the L1 cache kept coherent by one
/// invalidation subscriber (`redis`).
/// Thread-safe: immutable apart from the store, cache and metrics, which lock or are atomic.
public final class SessionService: Sendable {
  public let settings: SessionSettings
  public let keyRing: TicketKeyRing
  public let policy: SessionPolicy
  /// The shared store of `store = "memory"`; nil with Redis (stores are per worker).
  public let memoryStore: MemorySessionStore?
  /// Shared Redis state (coherence, readiness, metrics); nil with the memory store.
  let redis: RedisSharedState?
  public let cache: SessionCache
  /// Sessions ended here whose deletion the store did not write (checked before the cache).
  public let revokedTickets = RevokedTickets()
  let metrics: SessionMetrics
  /// `Set-Cookie` attributes after the value (`; Path=/; HttpOnly; Secure; SameSite=Lax`).
  let cookieAttributes: String
  /// With replica reads: an answer for a session invalidated less than this long ago (ns) is
  /// used but not cached (docs/redis.md §12); nil without replica reads.
  let replicaLagAllowance: Int64?
  /// Session times (wall clock) and validation durations (monotonic).
  let clock: any Clock

  public struct SetupError: Error, CustomStringConvertible {
    public let description: String
  }

  /// `workers`: how many workers will ask for a store (sizes the per-worker breaker gauge).
  public init(
    settings: SessionSettings, registry: PrometheusCollectorRegistry, workers: Int = 1,
    clock: any Clock = SystemClock()
  ) throws(SetupError) {
    self.settings = settings
    self.clock = clock
    do {
      keyRing = try TicketKeyRing(
        keys: settings.keys.map { Array($0.revealed.utf8) },
        userTagKey: settings.userTagKey.map { Array($0.revealed.utf8) })
    } catch {
      throw SetupError(description: "session keys: \(error)")
    }
    policy = settings.policy
    switch settings.store {
    case .memory:
      memoryStore = MemorySessionStore()
      redis = nil
    case .redis:
      guard settings.redis != nil else {
        throw SetupError(description: "session store \"redis\" needs [redis]")
      }
      memoryStore = nil
      redis = RedisSharedState(metrics: RedisMetrics(registry: registry, workers: workers, clock: clock))
    }
    cache = SessionCache(
      capacity: settings.cacheMaxEntries,
      maxTTL: Int64(settings.cacheTTL.nanoseconds))
    metrics = SessionMetrics(registry: registry)
    var attributes = "; Path=\(settings.cookiePath)"
    if !settings.cookieDomain.isEmpty { attributes += "; Domain=\(settings.cookieDomain)" }
    if settings.httpOnly { attributes += "; HttpOnly" }
    if settings.secureCookie { attributes += "; Secure" }
    attributes += "; SameSite=\(settings.sameSite.rawValue)"
    cookieAttributes = attributes
    replicaLagAllowance = settings.redis?.readFrom == .replicaPreferred ? SessionPolicy.nanosPerSecond : nil
  }

  /// With `on_store_unavailable = "jwt_only"`: while the store is unavailable, `session_or_jwt`
  /// routes should accept JWTs (the session authenticator answers `.storeUnavailable`; the
  /// composition then tries the JWT authenticator instead of answering 503).
  public var acceptsJWTDuringOutage: Bool { settings.redis?.onStoreUnavailable == .jwtOnly }

  /// The store one worker uses, and its Redis backend (nil for the memory store) whose `start()`
  /// must run on `loop`'s thread before the first request.
  func workerStore(index: Int, loop: EventLoop) -> (store: any SessionStore, backend: RedisWorkerBackend?) {
    if let memoryStore { return (memoryStore, nil) }
    let backend = RedisWorkerBackend(
      index: index, loop: loop, settings: settings.redis!, shared: redis!,
      cache: settings.cacheEnabled ? cache : nil, clock: clock)
    return (backend.breaker, backend)
  }

  /// `Set-Cookie` value carrying a ticket. Session cookies (no Max-Age): the absolute and idle
  /// timeouts are enforced here, not by the browser.
  func setCookie(_ ticket: SessionTicket) -> (String, String) {
    ("Set-Cookie", "\(settings.cookieName)=\(ticket.encode(keyRing: keyRing))\(cookieAttributes)")
  }

  /// A `Set-Cookie` that deletes the session cookie: same name, path and attributes.
  func deletionCookie() -> (String, String) {
    (
      "Set-Cookie",
      "\(settings.cookieName)=\(cookieAttributes); Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT"
    )
  }

  /// The scripts-readable CSRF cookie, when configured.
  func csrfCookie(for record: SessionRecord) -> (String, String)? {
    guard !settings.csrfCookie.isEmpty, policy.csrf else { return nil }
    var attributes = "; Path=\(settings.cookiePath)"
    if settings.secureCookie { attributes += "; Secure" }
    attributes += "; SameSite=\(settings.sameSite.rawValue)"
    return (
      "Set-Cookie",
      "\(settings.csrfCookie)=\(CSRFToken.make(secret: record.csrfSecret, generation: record.generation))\(attributes)"
    )
  }

  /// Short, non-reversible principal handle for logs: the ticket's user tag (a keyed hash of
  /// the user id, already computed), never the user id itself.
  static func principalHash(_ ticket: SessionTicket) -> String { Hex.encode(ticket.userTag) }

  /// Wall-clock nanoseconds: session deadlines are shared with other replicas through the store.
  func now() -> Int64 { clock.wallNanos() }

  /// Drops expired sessions of the memory store (called from a timer).
  func purgeExpired() {
    if let memory = memoryStore {
      let purged = memory.purgeExpired(now: now())
      if purged > 0 { metrics.destroyed(.expired, count: purged) }
    }
  }
}
