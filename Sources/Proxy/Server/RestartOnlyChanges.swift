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
    if let before = old.redis, let after = new.redis, before != after {
      if before.endpoint != after.endpoint { keys.append("redis.address/sentinels/cluster") }
      // Each worker's connection, store and breaker are built from these at start; in this
      // version none of them is re-applied, so any change is named rather than ignored.
      if before.endpoint == after.endpoint { keys.append("redis (timeouts, breaker, outage settings)") }
    }
    return keys
  }
}
