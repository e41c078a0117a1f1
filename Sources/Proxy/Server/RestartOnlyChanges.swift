public import Config

/// The settings a reload cannot apply without dropping connections or rebuilding a store. A
/// reload that changes any of them is refused as a whole (docs/operations.md §3): applying the
/// rest would leave a half-applied configuration. Pure.
public enum RestartOnlyChanges {
  /// The keys (`section.key`) that differ between `old` and `new` and need a restart; empty when
  /// the reload may be applied.
  public static func between(_ old: GatehouseConfig, _ new: GatehouseConfig) -> [String] {
    var keys: [String] = []
    if old.server.listen != new.server.listen { keys.append("server.listen") }
    if old.server.workers != new.server.workers { keys.append("server.workers") }
    if old.upstream.address != new.upstream.address { keys.append("upstream.address") }
    if old.admin.listen != new.admin.listen { keys.append("admin.listen") }
    // Each worker's security-line limiter is built with its rates at start.
    if old.log.securityEventsPerSecond != new.log.securityEventsPerSecond {
      keys.append("log.security_events_per_second")
    }
    if old.log.securityEventsBurst != new.log.securityEventsBurst { keys.append("log.security_events_burst") }
    // The exporter thread is built for one collector; the sampling ratio applies live.
    if old.tracing.otlpAddress != new.tracing.otlpAddress || old.tracing.otlpPath != new.tracing.otlpPath {
      keys.append("tracing.otlp_endpoint")
    }
    if old.tracing.serviceName != new.tracing.serviceName { keys.append("tracing.service_name") }
    if old.tracing.maxQueue != new.tracing.maxQueue { keys.append("tracing.max_queue") }
    if old.tracing.recordUserID != new.tracing.recordUserID { keys.append("tracing.record_user_id") }
    // The signing keys (a generated one above all) and the shared assertion cache live from start.
    if old.assertion != new.assertion { keys.append("assertion") }
    switch (old.session, new.session) {
    case (nil, nil):
      break
    case (.some, nil), (nil, .some):
      keys.append("session")
    case (.some(let before), .some(let after)):
      keys += sessionChanges(before, after)
    }
    return keys
  }

  private static func sessionChanges(_ old: SessionSettings, _ new: SessionSettings) -> [String] {
    var keys: [String] = []
    if old.store != new.store { keys.append("session.store") }
    // The L1 cache is one shared structure sized at start.
    if old.cacheEnabled != new.cacheEnabled { keys.append("session.cache.enabled") }
    if old.cacheMaxEntries != new.cacheMaxEntries { keys.append("session.cache.max_entries") }
    if old.cacheTTL != new.cacheTTL { keys.append("session.cache.ttl") }
    if let before = old.redis, let after = new.redis { keys += redisChanges(before, after) }
    keys += migrationChanges(old, new)
    return keys
  }

  /// A migration's coordinator and stores are built at start; its `mode` and `percentage` are
  /// applied live (docs/migration.md). Anything else refuses the reload rather than being
  /// kept silently while the rest applies.
  private static func migrationChanges(_ old: SessionSettings, _ new: SessionSettings) -> [String] {
    switch (old.migration, new.migration) {
    case (nil, nil):
      return []
    case (.some, nil), (nil, .some):
      return ["session.migration"]
    case (.some(let before), .some(let after)):
      var keys: [String] = []
      if before.from != after.from || before.to != after.to { keys.append("session.migration.from/to") }
      if before.require != after.require { keys.append("session.migration.require") }
      if before.drainWindow != after.drainWindow { keys.append("session.migration.drain_window") }
      if before.thresholds != after.thresholds { keys.append("session.migration.step_back_*") }
      switch (old.redisTarget, new.redisTarget) {
      case (nil, nil): break
      case (.some(let a), .some(let b)): keys += redisChanges(a, b).map { "target." + $0 }
      default: keys.append("redis.target")
      }
      return keys
    }
  }

  /// Connections are built from these at start; `stale_grace`, `breaker_failures`,
  /// `breaker_cooldown`, `min_replicas_acked`, `replica_ack_timeout`, `read_timeout` and
  /// `write_timeout` are applied live (the deadlines are per call).
  private static func redisChanges(_ old: RedisSettings, _ new: RedisSettings) -> [String] {
    var keys: [String] = []
    if old.endpoint != new.endpoint { keys.append("redis.address/sentinels/cluster") }
    if old.username != new.username { keys.append("redis.username") }
    if old.password != new.password { keys.append("redis.password") }
    if old.database != new.database { keys.append("redis.database") }
    if old.keyPrefix != new.keyPrefix { keys.append("redis.key_prefix") }
    if old.connectTimeout != new.connectTimeout { keys.append("redis.connect_timeout") }
    if old.commandTimeout != new.commandTimeout { keys.append("redis.command_timeout") }
    if old.readFrom != new.readFrom { keys.append("redis.read_from") }
    if old.replicaTimeout != new.replicaTimeout { keys.append("redis.replica_timeout") }
    if old.onStoreUnavailable != new.onStoreUnavailable { keys.append("redis.on_store_unavailable") }
    return keys
  }
}
