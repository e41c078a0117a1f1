/// What keeps late or lagging answers out of the L1 (`SessionCache`): the invalidation count
/// behind `SessionCacheFill`, the per-bucket stamps of the latest invalidations, and the hit and
/// miss counters. Lives under the same lock as the entries it guards (the cache's own, or the
/// memory store's when the store is the cache), so a check and the insert it allows are atomic.
struct SessionCacheCoherence {
  /// Buckets of the invalidation tables (a power of two).
  static let buckets = 4096

  var hits: UInt64 = 0
  var misses: UInt64 = 0
  /// Per bucket of `SessionIDHash.w0`, the latest `invalidate(_:at:)` time (`Int64.min`: none).
  var recent: [Int64]
  /// Invalidations so far (`invalidate` and `removeAll` each count one).
  var sequence: UInt64 = 0
  /// Per bucket of `SessionIDHash.w0`, `sequence` after its latest invalidation.
  var changed: [UInt64]
  /// `sequence` after the latest `removeAll`.
  var cleared: UInt64 = 0
  private let mask: Int

  /// `buckets` 0: an unused instance (no tables).
  init(buckets: Int = SessionCacheCoherence.buckets) {
    recent = Array(repeating: Int64.min, count: max(buckets, 1))
    changed = Array(repeating: 0, count: max(buckets, 1))
    mask = max(buckets, 1) - 1
  }

  private func bucket(_ hash: SessionIDHash) -> Int {
    Int(truncatingIfNeeded: hash.w0) & mask
  }

  var fill: SessionCacheFill { SessionCacheFill(sequence: sequence) }

  /// Counts an invalidation of `hash`: fills taken before now are refused.
  mutating func invalidated(_ hash: SessionIDHash) {
    sequence &+= 1
    changed[bucket(hash)] = sequence
  }

  /// Also remembers that `hash` changed at `now` (a Redis invalidation, for replica reads).
  mutating func changed(_ hash: SessionIDHash, at now: Int64) {
    let bucket = bucket(hash)
    recent[bucket] = max(recent[bucket], now)
  }

  mutating func clearedAll() {
    sequence &+= 1
    cleared = sequence
  }

  /// Whether an answer for `hash` whose fill was taken at `fill` may still be cached (and, with
  /// `since`, whether its bucket was not stamped at or after `since`).
  func fillable(_ hash: SessionIDHash, _ fill: SessionCacheFill, unlessInvalidatedSince since: Int64?) -> Bool
  {
    guard cleared <= fill.sequence && changed[bucket(hash)] <= fill.sequence else { return false }
    if let since, recent[bucket(hash)] >= since { return false }
    return true
  }
}
