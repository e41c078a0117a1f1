import Synchronization

/// The L1 cache: unsealed session records by `SessionIDHash`, so a warm request costs one hash
/// probe instead of a store round trip and an AES-GCM open.
///
/// Two homes for the entries (docs/performance.md "Memory"):
/// - `SessionCache(capacity:maxTTL:)`, in front of Redis: a bounded LRU of compact entries
///   (`SessionCacheSlots`: fixed-size key, deadline, 32-bit links and the record's serialised
///   bytes in one allocation), growing with use up to `capacity`.
/// - `SessionCache(store:maxTTL:)`, with the memory store: the store is the cache. A cached record
///   rides on the store's own slot for the session, so a session is held once, and it goes when
///   the session does (destroy, eviction, rotation, expiry). The store bounds it, not `capacity`.
///
/// An entry expires at min(the session's own deadline passed to `insert`, insert time + `maxTTL`),
/// so a cached copy never outlives the session's idle or absolute deadline, and changes made by
/// another replica are seen within `maxTTL` even without an invalidation.
///
/// Recent invalidations: `invalidate(_:at:)` also stamps the session's bucket in a fixed table of
/// `recentBuckets` times, and `insert(…, unlessInvalidatedSince:)` refuses an answer for a session
/// whose bucket was stamped since then. With reads from Redis replicas an invalidation (sent by the
/// master) can arrive before the replica applied the write, so an answer read from the replica a
/// moment later may be the old value; refusing to cache answers for recently invalidated sessions
/// keeps such an answer out of the cache (docs/redis.md §12). A bucket shared by
/// two sessions only costs a cache fill.
///
/// Late fills: an answer filling the cache may arrive after the invalidation of the same key (a
/// create's or lookup's reply and Redis's invalidation come on different connections; another
/// worker's destroy can land between a memory-store read and its insert). Every invalidation
/// counts in a sequence and stamps its bucket with the count; `insert(…, after:)` refuses an
/// answer whose `fill()` was taken before its bucket's latest invalidation or the latest
/// `removeAll`, so an eviction, revocation or logout is never undone by a late fill
/// (`SessionCacheCoherence`, kept under the same lock as the entries).
///
/// Thread-safe: one `Synchronization.Mutex` around all state (workers share one cache) — the
/// cache's own, or the memory store's when the store is the cache.
public final class SessionCache: Sendable {
  public static let defaultMaxTTL: Int64 = 60 * SessionPolicy.nanosPerSecond
  /// Buckets of the recent-invalidation table (a power of two).
  public static let recentBuckets = SessionCacheCoherence.buckets

  private struct State {
    var slots: SessionCacheSlots
    var coherence = SessionCacheCoherence()
  }

  public let capacity: Int
  public let maxTTL: Int64
  /// Unused (empty) when `store` is the cache.
  private let state: Mutex<State>
  private let store: MemorySessionStore?

  public init(capacity: Int = 100_000, maxTTL: Int64 = SessionCache.defaultMaxTTL) {
    precondition(capacity > 0 && maxTTL > 0)
    self.capacity = capacity
    self.maxTTL = maxTTL
    state = Mutex(State(slots: SessionCacheSlots(capacity: capacity)))
    store = nil
  }

  /// The cache kept on `store`'s own entries: only sessions the store holds live can be cached.
  public init(store: MemorySessionStore, maxTTL: Int64 = SessionCache.defaultMaxTTL) {
    precondition(maxTTL > 0)
    capacity = Int.max
    self.maxTTL = maxTTL
    state = Mutex(State(slots: SessionCacheSlots(capacity: 1), coherence: SessionCacheCoherence(buckets: 0)))
    self.store = store
  }

  /// The cached record, if present and `now` is before the entry's deadline (an expired entry is
  /// removed). A hit makes the entry most recently used.
  public func lookup(_ hash: SessionIDHash, now: Int64) -> SessionRecord? {
    read(hash, now: now) { try? SessionRecord(cacheForm: $0) }
  }

  /// `decode` over the cached record's cache form (`SessionRecord.cacheForm()`) in place, under
  /// the cache's lock: the arena block is not copied. A caller that keeps the session it decoded
  /// from equal bytes may answer it again instead of parsing
  /// (`VerifiedTicketCache.Entry.session(cacheForm:)`): every change of the record (touch,
  /// rotation, vault, elevation) stores new bytes. Nil on a miss or when `decode` answers nil.
  public func lookupSession(
    _ hash: SessionIDHash, now: Int64, _ decode: @Sendable (UnsafeRawBufferPointer) -> ActiveSession?
  ) -> ActiveSession? {
    read(hash, now: now, decode)
  }

  /// `decode` runs synchronously inside the lock, on this thread. It is `@Sendable` (non-escaping)
  /// so that the lock's `sending` rule accepts it without a conversion: `withoutActuallyEscaping`
  /// and a cast to an escaping closure cost three allocations per lookup.
  private func read<R: Sendable>(
    _ hash: SessionIDHash, now: Int64, _ decode: @Sendable (UnsafeRawBufferPointer) -> R?
  ) -> R? {
    if let store {
      return store.state.withLock { $0.cachedRecord(hash, now: now, decode) } ?? nil
    }
    return state.withLock { state in
      let found = state.slots.lookup(hash, now: now, decode)
      if found == nil { state.coherence.misses &+= 1 } else { state.coherence.hits &+= 1 }
      return found ?? nil
    }
  }

  /// The fill token for an answer about to be asked for: take it before the store call (or the
  /// cache lookup) whose answer `insert` will cache.
  public func fill() -> SessionCacheFill {
    if let store { return store.state.withLock { $0.coherence.fill } }
    return state.withLock { $0.coherence.fill }
  }

  /// Caches `record` until min(`expiresAt`, `now + maxTTL`); `expiresAt` is the session's own
  /// deadline (`SessionPolicy.expiresAt`), `fill` was taken before the answer was asked for.
  /// Nothing is stored when `hash` was invalidated since `fill` was taken, when its bucket was
  /// stamped at or after `unlessInvalidatedSince` (replica reads), when the deadline is not
  /// after `now`, or (store as the cache) when the store holds no live session for `hash`.
  /// Replaces an existing entry; evicts the least recently used entry when full. Answers whether
  /// it stored.
  @discardableResult
  public func insert(
    _ hash: SessionIDHash, record: SessionRecord, expiresAt: Int64, now: Int64, after fill: SessionCacheFill,
    unlessInvalidatedSince since: Int64? = nil
  ) -> Bool {
    let ttlDeadline = now.addingReportingOverflow(maxTTL)
    let deadline = min(expiresAt, ttlDeadline.overflow ? Int64.max : ttlDeadline.partialValue)
    guard let bytes = try? record.cacheForm() else { return false }
    if let store {
      return store.state.withLock { state in
        guard state.coherence.fillable(hash, fill, unlessInvalidatedSince: since) else { return false }
        return state.cacheRecord(hash, bytes, until: deadline, now: now)
      }
    }
    // Checked under the lock of the insert, so an invalidation cannot slip in between.
    return state.withLock { state in
      guard state.coherence.fillable(hash, fill, unlessInvalidatedSince: since) else { return false }
      state.slots.store(hash, record: bytes, deadline: deadline, now: now)
      return deadline > now
    }
  }

  /// Drops the entry for `hash` (after destroy, rotate, touch elsewhere, or a Redis invalidation).
  public func invalidate(_ hash: SessionIDHash) {
    invalidate(hash, at: nil)
  }

  /// Drops the entry for a store key `s:{tag}:<hash hex>`; ignores a key that is not one.
  public func invalidate(storeKey: String) {
    if let hash = SessionIDHash(storeKey: storeKey) { invalidate(hash) }
  }

  /// Drops the entry for `hash` and remembers that it changed at `now` (a Redis invalidation).
  public func invalidate(_ hash: SessionIDHash, at now: Int64) {
    invalidate(hash, at: Optional(now))
  }

  /// `invalidate(_:at:)` for a store key `s:{tag}:<hash hex>`; ignores a key that is not one.
  public func invalidate(storeKey: String, at now: Int64) {
    if let hash = SessionIDHash(storeKey: storeKey) { invalidate(hash, at: now) }
  }

  private func invalidate(_ hash: SessionIDHash, at now: Int64?) {
    if let store {
      store.state.withLock { state in
        state.uncacheRecord(hash)
        state.coherence.invalidated(hash)
        if let now { state.coherence.changed(hash, at: now) }
      }
      return
    }
    state.withLock { state in
      state.slots.remove(hash)
      state.coherence.invalidated(hash)
      if let now { state.coherence.changed(hash, at: now) }
    }
  }

  /// Drops everything (subscriber reconnect, `FLUSHALL`, settings change). Counters are kept.
  public func removeAll() {
    if let store {
      store.state.withLock { state in
        state.dropAllRecords()
        state.coherence.clearedAll()
      }
      return
    }
    state.withLock { state in
      state.slots.removeAll()
      state.coherence.clearedAll()
    }
  }

  /// Entries held (including expired ones not yet met).
  public var count: Int {
    if let store { return store.state.withLock { $0.cached } }
    return state.withLock { $0.slots.count }
  }
  public var hits: UInt64 {
    if let store { return store.state.withLock { $0.coherence.hits } }
    return state.withLock { $0.coherence.hits }
  }
  public var misses: UInt64 {
    if let store { return store.state.withLock { $0.coherence.misses } }
    return state.withLock { $0.coherence.misses }
  }
}
