import Synchronization

/// The L1 cache in front of any `SessionStore`: unsealed records by `SessionIDHash`, so a warm
/// request costs one dictionary probe instead of a store round trip and an AES-GCM open.
///
/// Bounded LRU: a dictionary from hash to slot plus an intrusive doubly linked list threaded
/// through a fixed slot array (indices, no per-entry objects), so lookup, insert, eviction and
/// invalidation are O(1) with no allocation once warm. An entry expires at
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
    var slots: [Slot?]
    var index: [SessionIDHash: Int]
    var free: [Int]
    /// Most recently used.
    var head = SessionCache.none
    /// Least recently used: the next victim.
    var tail = SessionCache.none
    var hits: UInt64 = 0
    var misses: UInt64 = 0
    /// Per bucket of `SessionIDHash.w0`, the latest `invalidate(_:at:)` time (`Int64.min`: none).
    var recent: [Int64] = Array(repeating: Int64.min, count: SessionCache.recentBuckets)

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
      if free.isEmpty { remove(tail) }
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
    var index: [SessionIDHash: Int] = [:]
    index.reserveCapacity(capacity)
    state = Mutex(
      State(
        slots: Array(repeating: nil, count: capacity), index: index, free: Array((0..<capacity).reversed())))
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

  /// Caches `record` until min(`expiresAt`, `now + maxTTL`); `expiresAt` is the session's own
  /// deadline (`SessionPolicy.expiresAt`). Replaces an existing entry; evicts the least recently
  /// used entry when full. Nothing is stored when the deadline is not after `now`.
  public func insert(_ hash: SessionIDHash, record: SessionRecord, expiresAt: Int64, now: Int64) {
    let ttlDeadline = now.addingReportingOverflow(maxTTL)
    let deadline = min(expiresAt, ttlDeadline.overflow ? Int64.max : ttlDeadline.partialValue)
    state.withLock { state in state.store(hash, record: record, deadline: deadline, now: now) }
  }

  /// Drops the entry for `hash` (after destroy, rotate, touch elsewhere, or a Redis invalidation).
  public func invalidate(_ hash: SessionIDHash) {
    state.withLock { state in
      if let i = state.index[hash] { state.remove(i) }
    }
  }

  /// Drops the entry for a store key `s:{tag}:<hash hex>`; ignores a key that is not one.
  public func invalidate(storeKey: String) {
    if let hash = SessionIDHash(storeKey: storeKey) { invalidate(hash) }
  }

  /// Drops the entry for `hash` and remembers that it changed at `now` (a Redis invalidation).
  public func invalidate(_ hash: SessionIDHash, at now: Int64) {
    state.withLock { state in
      if let i = state.index[hash] { state.remove(i) }
      let bucket = Self.bucket(hash)
      state.recent[bucket] = max(state.recent[bucket], now)
    }
  }

  /// `invalidate(_:at:)` for a store key `s:{tag}:<hash hex>`; ignores a key that is not one.
  public func invalidate(storeKey: String, at now: Int64) {
    if let hash = SessionIDHash(storeKey: storeKey) { invalidate(hash, at: now) }
  }

  /// `insert`, unless `hash`'s bucket was invalidated at or after `since`; answers whether it
  /// stored.
  @discardableResult
  public func insert(
    _ hash: SessionIDHash, record: SessionRecord, expiresAt: Int64, now: Int64,
    unlessInvalidatedSince since: Int64
  ) -> Bool {
    // Checked under the lock of the insert, so an invalidation cannot slip in between.
    let ttlDeadline = now.addingReportingOverflow(maxTTL)
    let deadline = min(expiresAt, ttlDeadline.overflow ? Int64.max : ttlDeadline.partialValue)
    return state.withLock { state in
      guard state.recent[Self.bucket(hash)] < since else { return false }
      state.store(hash, record: record, deadline: deadline, now: now)
      return true
    }
  }

  private static func bucket(_ hash: SessionIDHash) -> Int {
    Int(truncatingIfNeeded: hash.w0) & (recentBuckets - 1)
  }

  /// Drops everything (subscriber reconnect, `FLUSHALL`, settings change). Counters are kept.
  public func removeAll() {
    state.withLock { state in
      state.slots = Array(repeating: nil, count: state.slots.count)
      state.index.removeAll(keepingCapacity: true)
      state.free = Array((0..<state.slots.count).reversed())
      state.head = SessionCache.none
      state.tail = SessionCache.none
    }
  }

  /// Entries held (including expired ones not yet met).
  public var count: Int { state.withLock { $0.index.count } }
  public var hits: UInt64 { state.withLock { $0.hits } }
  public var misses: UInt64 { state.withLock { $0.misses } }
}
