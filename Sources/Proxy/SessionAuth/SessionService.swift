import Codecs
public import Config
import Crypto
public import EventLoop
public import Logging
public import Prometheus
public import Sessions
import Synchronization

/// Everything the session routes share across workers: the ticket key ring, the policy, the
/// L1 cache, cookie settings and metrics. Built once at start from `[session]`.
///
/// Stores: the memory store is one shared instance (`memoryStore`, thread-safe); with Redis
/// each worker gets its own connection, store and circuit breaker on its own loop
/// (`workerStores(index:loop:)`), and the process shares the L1 cache kept coherent by one
/// invalidation subscriber per Redis (`redis`, and `redisTarget` while migrating Redis → Redis).
/// With `[session.migration]` each worker's store is a `MigratingSessionStore` over both, driven
/// by the shared `migration` coordinator (docs/migration.md).
/// Thread-safe: immutable apart from the store, cache and metrics, which lock or are atomic.
public final class SessionService: Sendable {
  public let settings: SessionSettings
  public let keyRing: TicketKeyRing
  public let policy: SessionPolicy

  /// `body` with the policy borrowed where the service holds it (binding it to a local copies
  /// it: a retain per array inside, on every request).
  @inline(__always)
  func withPolicy<R>(_ body: (borrowing SessionPolicy) -> R) -> R { body(policy) }

  /// The shared store of `store = "memory"`; nil with Redis (stores are per worker).
  public let memoryStore: MemorySessionStore?
  /// Records are sealed in the compact form (`SessionRecord.compactFormatVersion`) when only this
  /// process reads them: the memory store without a migration. Records that may reach Redis keep
  /// the forms older releases read (docs/performance.md "Memory").
  public var sealsCompact: Bool { memoryStore != nil && settings.migration == nil }
  /// Shared state of the `[redis]` stores (coherence, readiness, metrics): the store in use, or
  /// the target of a memory → Redis migration; nil without Redis.
  let redis: RedisSharedState?
  /// Shared state of the `[redis.target]` stores of a Redis → Redis migration.
  let redisTarget: RedisSharedState?
  /// The migration's setting and its changes; nil without `[session.migration]`.
  let migration: MigrationCoordinator?
  public let cache: SessionCache
  /// Sessions ended here whose deletion the store did not write (checked before the cache);
  /// kept across reloads like the cache (a reload must not revive them).
  public let revokedTickets: RevokedTickets
  let metrics: SessionMetrics
  /// `Set-Cookie` attributes after the value (`; Path=/; HttpOnly; Secure; SameSite=Lax`).
  let cookieAttributes: String
  /// With replica reads: an answer for a session invalidated less than this long ago (ns) is
  /// used but not cached (docs/redis.md §12); nil without replica reads.
  let replicaLagAllowance: Int64?
  /// Session times (wall clock) and validation durations (monotonic).
  let clock: any Clock
  /// Lifecycle and suspicious-activity events (nil: none written, as in unit tests).
  let events: SessionEvents?
  /// After a reload renamed the cookie: the old name, still read until `until` (wall ns: the
  /// reload time plus the absolute timeout, when every session issued under it has ended).
  public let retiredCookie: (name: String, until: Int64)?
  private let workers: Int

  public struct SetupError: Error, CustomStringConvertible {
    public let description: String
  }

  /// `workers`: how many workers will ask for a store (sizes the per-worker breaker gauge and the
  /// validation durations). `validationDurations`, `redisDurations`: where the scrape renders
  /// those (nil: kept unrendered, for tests that read no exposition).
  init(
    settings: SessionSettings, registry: PrometheusCollectorRegistry,
    validationDurations: ValidationDurationFamily? = nil, redisDurations: RedisCallDurationFamilies? = nil,
    workers: Int = 1,
    clock: any Clock = SystemClock(), log: Logger = Logger(label: "gatehouse"), events: SessionEvents? = nil
  ) throws(SetupError) {
    self.settings = settings
    self.clock = clock
    self.workers = max(workers, 1)
    self.events = events
    retiredCookie = nil
    do {
      keyRing = try TicketKeyRing(
        keys: settings.keys.map { Array($0.revealed.utf8) },
        userTagKey: settings.userTagKey.map { Array($0.revealed.utf8) })
    } catch {
      throw SetupError(description: "session keys: \(error)")
    }
    policy = settings.policy
    if settings.store == .redis && settings.redis == nil {
      throw SetupError(description: "session store \"redis\" needs [redis]")
    }
    if settings.migration != nil && settings.toRedis == nil {
      throw SetupError(description: "a session migration needs its target Redis")
    }
    memoryStore = settings.store == .memory ? MemorySessionStore() : nil
    // One set of Redis families for both Redis stores; breaker slots: [redis] 0..<workers,
    // [redis.target] workers..<2 workers.
    let redisMetrics =
      settings.redis == nil
      ? nil
      : RedisMetrics(registry: registry, durations: redisDurations, workers: self.workers * 2, clock: clock)
    redis = redisMetrics.map { RedisSharedState(metrics: $0) }
    redisTarget =
      settings.redisTarget != nil && settings.migration != nil
      ? redisMetrics.map { RedisSharedState(metrics: $0) } : nil
    migration = settings.migration.map {
      MigrationCoordinator(
        settings: $0, identity: MigrationIdentity(settings: settings),
        metrics: MigrationMetricsExporter(registry: registry, log: log, clock: clock), log: log, clock: clock)
    }
    revokedTickets = RevokedTickets()
    cache = Self.cache(settings, memoryStore: memoryStore)
    metrics = SessionMetrics(
      registry: registry, validationDurations: validationDurations ?? ValidationDurationFamily(),
      workers: self.workers)
    cookieAttributes = Self.cookieAttributes(settings)
    replicaLagAllowance = settings.redis?.readFrom == .replicaPreferred ? SessionPolicy.nanosPerSecond : nil
  }

  /// A reload's service: the new policy, keys and cookie settings over the same stores, L1 cache
  /// and metrics (those need a restart to change: `RestartOnlyChanges`). A renamed cookie keeps
  /// being read under its old name for one absolute timeout (docs/operations.md §3).
  public init(reloading old: SessionService, settings: SessionSettings) throws(SetupError) {
    self.settings = settings
    clock = old.clock
    events = old.events
    do {
      keyRing = try TicketKeyRing(
        keys: settings.keys.map { Array($0.revealed.utf8) },
        userTagKey: settings.userTagKey.map { Array($0.revealed.utf8) })
    } catch {
      throw SetupError(description: "session keys: \(error)")
    }
    policy = settings.policy
    memoryStore = old.memoryStore
    redis = old.redis
    redisTarget = old.redisTarget
    migration = old.migration
    workers = old.workers
    cache = old.cache
    revokedTickets = old.revokedTickets
    metrics = old.metrics
    cookieAttributes = Self.cookieAttributes(settings)
    replicaLagAllowance = old.replicaLagAllowance
    if old.settings.cookieName != settings.cookieName {
      retiredCookie = (
        old.settings.cookieName, old.clock.wallNanos() &+ settings.policy.absoluteTimeout
      )
    } else {
      retiredCookie = old.retiredCookie.flatMap { $0.name == settings.cookieName ? nil : $0 }
    }
  }

  /// With the memory store alone, the store is the L1 (a session is held once); in front of
  /// Redis, or while migrating, the L1 keeps its own bounded entries (docs/performance.md).
  private static func cache(_ settings: SessionSettings, memoryStore: MemorySessionStore?) -> SessionCache {
    let maxTTL = Int64(settings.cacheTTL.nanoseconds)
    if let memoryStore, settings.migration == nil, settings.cacheEnabled {
      return SessionCache(store: memoryStore, maxTTL: maxTTL)
    }
    return SessionCache(capacity: settings.cacheMaxEntries, maxTTL: maxTTL)
  }

  private static func cookieAttributes(_ settings: SessionSettings) -> String {
    var attributes = "; Path=\(settings.cookiePath)"
    if !settings.cookieDomain.isEmpty { attributes += "; Domain=\(settings.cookieDomain)" }
    if settings.httpOnly { attributes += "; HttpOnly" }
    if settings.secureCookie { attributes += "; Secure" }
    attributes += "; SameSite=\(settings.sameSite.rawValue)"
    return attributes
  }

  /// The retired cookie name while it is still read, else nil.
  func retiredCookieName(now: Int64) -> String? {
    guard let retiredCookie, now < retiredCookie.until else { return nil }
    return retiredCookie.name
  }

  /// With `on_store_unavailable = "jwt_only"`: while the store is unavailable, `session` routes
  /// accept a valid bearer JWT (`JWTOnlyOutageAuthenticator`); with `"deny"` they do not.
  public var acceptsJWTDuringOutage: Bool { settings.redis?.onStoreUnavailable == .jwtOnly }

  /// Whether L1 entries may be served: every Redis invalidation subscriber is subscribed.
  var cacheCoherent: Bool { (redis?.coherent ?? true) && (redisTarget?.coherent ?? true) }

  /// Moves on every invalidation from any Redis (a lookup caches its answer only if it did not).
  var invalidationEpoch: UInt64 { (redis?.epoch ?? 0) &+ (redisTarget?.epoch ?? 0) }

  /// Whether any store is Redis (L1 coherence rules apply).
  var usesRedis: Bool { redis != nil }

  /// The store component of `/health` (never readiness: docs/operations.md §2): the store in use
  /// (and a migration's target once it answers for every user) must be reachable. Nil when usable.
  func storeProblem() -> String? {
    let targetAnswers = migration?.control.setting.mode == .complete
    let fromShared = settings.store == .redis ? redis : nil
    let toShared = settings.store == .redis ? redisTarget : redis
    if let problem = fromShared?.storeProblem() { return problem }
    if targetAnswers, let problem = toShared?.storeProblem() { return "migration target: \(problem)" }
    return nil
  }

  /// What one worker's session routes use. Redis backends must be started (`start()`) on
  /// `loop`'s thread before the first request.
  func workerStores(index: Int, loop: EventLoop) -> SessionWorkerStores {
    var backends: [RedisWorkerBackend] = []
    let l1 = settings.cacheEnabled ? cache : nil
    let fromBackend = settings.fromRedis.map {
      RedisWorkerBackend(index: index, loop: loop, settings: $0, shared: redis!, cache: l1, clock: clock)
    }
    if let fromBackend { backends.append(fromBackend) }
    let fromStore: any SessionStore = memoryStore ?? fromBackend!.breaker
    guard let migration, let toSettings = settings.toRedis else {
      return SessionWorkerStores(store: fromStore, backends: backends, outage: fromBackend?.breaker)
    }
    let toBackend = RedisWorkerBackend(
      index: index, loop: loop, settings: toSettings,
      shared: (settings.store == .redis ? redisTarget : redis)!, cache: l1, clock: clock,
      metricsSlot: index + workers)
    backends.append(toBackend)
    if index == 0, let fromBackend {
      migration.attachFleet(
        loop: loop, transport: fromBackend.store.transport, keyPrefix: fromBackend.settings.keyPrefix)
    }
    let store = MigratingSessionStore(
      from: fromStore, to: toBackend.breaker, control: migration.control, require: migration.settings.require,
      metrics: migration.metrics, clock: clock)
    return SessionWorkerStores(
      store: store, backends: backends,
      outage: MigrationOutage(control: migration.control, from: fromBackend?.breaker, to: toBackend.breaker))
  }

  /// `Set-Cookie` value carrying a ticket. Session cookies (no Max-Age): the absolute and idle
  /// timeouts are enforced here, not by the browser.
  func setCookie(_ ticket: SessionTicket) -> (String, String) {
    ("Set-Cookie", "\(settings.cookieName)=\(ticket.encode(keyRing: keyRing))\(cookieAttributes)")
  }

  /// A `Set-Cookie` that deletes the session cookie (or the one named `name`): same path and
  /// attributes.
  func deletionCookie(name: String? = nil) -> (String, String) {
    (
      "Set-Cookie",
      "\(name ?? settings.cookieName)=\(cookieAttributes); Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT"
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

  /// Monotonic nanoseconds (validation durations). Asked here, where the clock is held: a caller
  /// that reads `service.clock` copies the existential first (docs/performance.md, "Session L1
  /// hit, round 7").
  func monotonicNanos() -> UInt64 { clock.monotonicNanos() }

  /// Both readings a session check starts with, in one call: (monotonic, wall).
  func readings() -> (monotonic: UInt64, wall: Int64) { (clock.monotonicNanos(), clock.wallNanos()) }

  /// Brings the scrape-time session families up to date (scrape thread):
  /// `gatehouse_session_cache_requests_total{result}` from the cache's own counts, and
  /// `gatehouse_active_sessions` (memory store: its entries, exact up to the purge interval;
  /// not exported with Redis, where no process sees every session).
  func exportMetrics(_ registry: PrometheusCollectorRegistry) {
    if settings.cacheEnabled { metrics.exportCache(hits: cache.hits, misses: cache.misses) }
    if let memoryStore {
      registry.gauge("gatehouse_active_sessions", labels: [], help: "Live sessions (memory store).")
        .set(Int64(memoryStore.entryCount))
    }
  }

  /// Drops expired sessions of the memory store (called from a timer).
  func purgeExpired() {
    if let memory = memoryStore {
      let purged = memory.purgeExpired(now: now())
      if purged > 0 {
        metrics.destroyed(.expired, count: purged)
        events?.destroyed(nil, reason: "expired", count: purged)
      }
    }
  }
}
