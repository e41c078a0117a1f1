/// Taken from `SessionCache.fill()` before the store call (or cache lookup) whose answer may fill
/// the cache, and handed back to `SessionCache.insert(…, after:)`: an answer for a key invalidated
/// since (an eviction by another replica, a revocation, a logout on another worker, a flush) is
/// not cached, so a late fill never undoes an invalidation (docs/redis.md §8).
public struct SessionCacheFill: Sendable {
  /// The cache's invalidation count when the fill was taken.
  let sequence: UInt64
}
