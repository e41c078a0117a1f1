import Synchronization

/// The L1 cache in front of any `SessionStore`: unsealed records by `SessionIDHash`, so a warm
/// request costs one dictionary probe instead of a store round trip and an AES-GCM open.
///
/// Bounded LRU: a dictionary from hash to slot plus an intrusive doubly linked list threaded
/// through a slot array (indices, no per-entry objects), so lookup, insert, eviction and
/// invalidation are O(1) with no allocation once warm. The slots and the index grow with use up
/// to `capacity`: an idle process holds nothing for `max_entries`. An entry expires at
/// min(the session's own deadline passed to `insert`, insert time + `maxTTL`), so a cached copy
/// never outlives the session's idle or absolute deadline, and changes made by another replica are
/// seen within `maxTTL` even without an invalidation.
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
/// counts in `sequence` and stamps its bucket with the count; `insert(…, after:)` refuses an
/// answer whose `fill()` was taken before its bucket's latest invalidation or the latest
/// `removeAll`, so an eviction, revocation or logout is never undone by a late fill.
///
/// Thread-safe: one `Synchronization.Mutex` around all state (workers share one cache); the hit and
/// miss counters live under the same lock.
public final class SessionCache: Sendable {
  public static let defaultMaxTTL: Int64 = 60 * SessionPolicy.nanosPerSecond
  /// Buckets of the recent-invalidation table (a power of two).
  public static let recentBuckets = 4096

  private static let none = -1

  private struct Slot {
    var hash: SessionIDHash
    var record: SessionRecord
    var deadline: Int64
    var prev: Int
    var next: Int
  }

  private struct State {
    let capacity: Int
    var slots: [Slot?] = []
    var index: [SessionIDHash: Int] = [:]
    var free: [Int] = []
    /// Most recently used.
    var head = SessionCache.none
    /// Least recently used: the next victim.
    var tail = SessionCache.none
    var hits: UInt64 = 0
    var misses: UInt64 = 0
    /// Per bucket of `SessionIDHash.w0`, the latest `invalidate(_:at:)` time (`Int64.min`: none).
    var recent: [Int64] = Array(repeating: Int64.min, count: SessionCache.recentBuckets)
    /// Invalidations so far (`invalidate` and `removeAll` each count one).
    var sequence: UInt64 = 0
    /// Per bucket of `SessionIDHash.w0`, `sequence` after its latest invalidation.
    var changed: [UInt64] = Array(repeating: 0, count: SessionCache.recentBuckets)
    /// `sequence` after the latest `removeAll`.
    var cleared: UInt64 = 0

    /// Removes `hash`'s entry and stamps its bucket: fills taken before now are refused.
    mutating func invalidate(_ hash: SessionIDHash) {
      if let i = index[hash] { remove(i) }
      sequence &+= 1
      changed[SessionCache.bucket(hash)] = sequence
    }

    /// Whether an answer for `hash` whose fill was taken at `fill` may still be cached.
    func fillable(_ hash: SessionIDHash, _ fill: SessionCacheFill) -> Bool {
      cleared <= fill.sequence && changed[SessionCache.bucket(hash)] <= fill.sequence
    }

    mutating func unlink(_ i: Int) {
      let prev = slots[i]!.prev
      let next = slots[i]!.next
      if prev != SessionCache.none { slots[prev]!.next = next } else { head = next }
      if next != SessionCache.none { slots[next]!.prev = prev } else { tail = prev }
    }

    mutating func pushFront(_ i: Int) {
      slots[i]!.prev = SessionCache.none
      slots[i]!.next = head
      if head != SessionCache.none { slots[head]!.prev = i }
      head = i
      if tail == SessionCache.none { tail = i }
    }

    mutating func remove(_ i: Int) {
      unlink(i)
      index[slots[i]!.hash] = nil
      slots[i] = nil
      free.append(i)
    }

    /// Inserts or replaces; a deadline not after `now` removes instead.
    mutating func store(_ hash: SessionIDHash, record: SessionRecord, deadline: Int64, now: Int64) {
      if let i = index[hash] {
        guard deadline > now else {
          remove(i)
          return
        }
        slots[i]!.record = record
        slots[i]!.deadline = deadline
        unlink(i)
        pushFront(i)
        return
      }
      guard deadline > now else { return }
      // Slots grow with use up to `capacity` (nothing is reserved for an empty cache).
      if free.isEmpty {
        if slots.count < capacity {
          free.append(slots.count)
          slots.append(nil)
        } else {
          remove(tail)
        }
      }
      let i = free.removeLast()
      slots[i] = Slot(
        hash: hash, record: record, deadline: deadline, prev: SessionCache.none, next: SessionCache.none)
      index[hash] = i
      pushFront(i)
    }
  }

  public let capacity: Int
  public let maxTTL: Int64
  private let state: Mutex<State>

  public init(capacity: Int = 100_000, maxTTL: Int64 = SessionCache.defaultMaxTTL) {
    precondition(capacity > 0 && maxTTL > 0)
    self.capacity = capacity
    self.maxTTL = maxTTL
    state = Mutex(State(capacity: capacity))
  }

  /// The cached record, if present and `now` is before the entry's deadline (an expired entry is
  /// removed). A hit makes the entry most recently used.
  public func lookup(_ hash: SessionIDHash, now: Int64) -> SessionRecord? {
    state.withLock { state in
      guard let i = state.index[hash] else {
        state.misses &+= 1
        return nil
      }
      guard now < state.slots[i]!.deadline else {
        state.remove(i)
        state.misses &+= 1
        return nil
      }
      state.hits &+= 1
      if state.head != i {
        state.unlink(i)
        state.pushFront(i)
      }
      return state.slots[i]!.record
    }
  }

  /// The fill token for an answer about to be asked for: take it before the store call (or the
  /// cache lookup) whose answer `insert` will cache.
  public func fill() -> SessionCacheFill {
    state.withLock { SessionCacheFill(sequence: $0.sequence) }
  }

  /// Caches `record` until min(`expiresAt`, `now + maxTTL`); `expiresAt` is the session's own
  /// deadline (`SessionPolicy.expiresAt`), `fill` was taken before the answer was asked for.
  /// Nothing is stored when `hash` was invalidated since `fill` was taken, when its bucket was
  /// stamped at or after `unlessInvalidatedSince` (replica reads), or when the deadline is not
  /// after `now`. Replaces an existing entry; evicts the least recently used entry when full.
  /// Answers whether it stored.
  @discardableResult
  public func insert(
    _ hash: SessionIDHash, record: SessionRecord, expiresAt: Int64, now: Int64, after fill: SessionCacheFill,
    unlessInvalidatedSince since: Int64? = nil
  ) -> Bool {
    let ttlDeadline = now.addingReportingOverflow(maxTTL)
    let deadline = min(expiresAt, ttlDeadline.overflow ? Int64.max : ttlDeadline.partialValue)
    // Checked under the lock of the insert, so an invalidation cannot slip in between.
    return state.withLock { state in
      guard state.fillable(hash, fill) else { return false }
      if let since, state.recent[Self.bucket(hash)] >= since { return false }
      state.store(hash, record: record, deadline: deadline, now: now)
      return deadline > now
    }
  }

  /// Drops the entry for `hash` (after destroy, rotate, touch elsewhere, or a Redis invalidation).
  public func invalidate(_ hash: SessionIDHash) {
    state.withLock { state in state.invalidate(hash) }
  }

  /// Drops the entry for a store key `s:{tag}:<hash hex>`; ignores a key that is not one.
  public func invalidate(storeKey: String) {
    if let hash = SessionIDHash(storeKey: storeKey) { invalidate(hash) }
  }

  /// Drops the entry for `hash` and remembers that it changed at `now` (a Redis invalidation).
  public func invalidate(_ hash: SessionIDHash, at now: Int64) {
    state.withLock { state in
      state.invalidate(hash)
      let bucket = Self.bucket(hash)
      state.recent[bucket] = max(state.recent[bucket], now)
    }
  }

  /// `invalidate(_:at:)` for a store key `s:{tag}:<hash hex>`; ignores a key that is not one.
  public func invalidate(storeKey: String, at now: Int64) {
    if let hash = SessionIDHash(storeKey: storeKey) { invalidate(hash, at: now) }
  }

  private static func bucket(_ hash: SessionIDHash) -> Int {
    Int(truncatingIfNeeded: hash.w0) & (recentBuckets - 1)
  }

  /// Drops everything (subscriber reconnect, `FLUSHALL`, settings change). Counters are kept.
  public func removeAll() {
    state.withLock { state in
      state.slots = []
      state.index = [:]
      state.free = []
      state.head = SessionCache.none
      state.tail = SessionCache.none
      state.sequence &+= 1
      state.cleared = state.sequence
    }
  }

  /// Entries held (including expired ones not yet met).
  public var count: Int { state.withLock { $0.index.count } }
  public var hits: UInt64 { state.withLock { $0.hits } }
  public var misses: UInt64 { state.withLock { $0.misses } }
}
