import Sessions
import XCTest

/// `SessionCache(store:)`: the memory store is the L1. A record is cached only on a session the
/// store holds live, goes with it, and keeps the fill-token rule of the cache's own entries.
final class MemoryStoreCacheTests: XCTestCase {
  let limits = SessionLimits(maxPerUser: 0, onLimit: .evictOldest)

  func stored(_ ticket: SessionTicket, expiresAt: Int64 = t0 + hour) -> StoredSession {
    StoredSession(
      sealed: try! sampleRecord().sealed(for: ticket),
      summary: SessionSummary(
        storeKey: ticket.storeKey, hash: ticket.hashForLogs, created: t0, lastAccess: t0,
        expiresAt: expiresAt,
        ipPrefix: "203.0.113.0/24", userAgent: "UA"))
  }

  /// A store holding the sessions of `seeds` (seed 1 "alice"'s for an hour, the others "bob"'s for
  /// three) and its cache.
  func storeAndCache(_ seeds: [UInt8], maxTTL: Int64 = minute) -> (MemorySessionStore, SessionCache) {
    let store = MemorySessionStore()
    for seed in seeds {
      let t = fixedTicket(seed: seed)
      let bob = fixedTicket(user: "bob", seed: seed)
      let owner = seed == 1 ? t : bob
      store.create(
        stored(owner, expiresAt: t0 + (seed == 1 ? 1 : 3) * hour), userKey: owner.userKey, limits: limits,
        now: t0
      ) { if case .failure(let e) = $0 { XCTFail("\(e)") } }
    }
    return (store, SessionCache(store: store, maxTTL: maxTTL))
  }

  func hash(_ seed: UInt8) -> SessionIDHash { fixedTicket(seed: seed).idHash }

  func testCachesOnlyLiveSessionsAndDropsThemWithTheSession() {
    let record = sampleRecord()
    let t1 = fixedTicket(seed: 1)
    let cases: [(name: String, change: (MemorySessionStore) -> Void, cached: Bool)] = [
      ("nothing changed", { _ in }, true),
      ("destroyed", { $0.destroy(storeKey: t1.storeKey, userKey: t1.userKey) { _ in } }, false),
      ("all revoked", { $0.revokeAll(userKey: t1.userKey) { _ in } }, false),
      (
        "rotated away",
        {
          let next = fixedTicket(seed: 9)
          $0.rotate(
            userKey: t1.userKey, oldKey: t1.storeKey, newSession: self.stored(next),
            forward: try! SealedRecord.forwarding(to: next, from: t1), grace: minute, now: t0
          ) { _ in }
        }, false
      ),
      ("purged after expiry", { $0.purgeExpired(now: t0 + 2 * hour) }, false),
      (
        "touched",
        {
          $0.touch(
            storeKey: t1.storeKey, userKey: t1.userKey, lastAccess: t0, expiresAt: t0 + 2 * hour, now: t0
          ) { _ in }
        }, true
      ),
    ]
    for c in cases {
      let (store, cache) = storeAndCache([1, 2])
      XCTAssertTrue(
        cache.insert(hash(1), record: record, expiresAt: t0 + hour, now: t0, after: cache.fill()), c.name)
      XCTAssertTrue(
        cache.insert(hash(2), record: record, expiresAt: t0 + hour, now: t0, after: cache.fill()), c.name)
      XCTAssertEqual(cache.count, 2, c.name)
      c.change(store)
      XCTAssertEqual(cache.lookup(hash(1), now: t0) != nil, c.cached, c.name)
      XCTAssertEqual(
        cache.lookup(hash(2), now: t0), record, "\(c.name): the other session's record, field for field")
    }
    let (_, cache) = storeAndCache([1])
    XCTAssertFalse(
      cache.insert(hash(3), record: record, expiresAt: t0 + hour, now: t0, after: cache.fill()),
      "a session the store does not hold is not cached")
    XCTAssertEqual(cache.count, 0)
    XCTAssertEqual(cache.misses, 0)
  }

  func testDeadlines() {
    let record = sampleRecord()
    let cases: [(name: String, expiresAt: Int64, lookupAt: Int64, hit: Bool)] = [
      ("max TTL caps: 1 ns before", t0 + hour, t0 + minute - 1, true),
      ("max TTL caps: exactly at", t0 + hour, t0 + minute, false),
      ("session deadline caps: 1 ns before", t0 + 10 * second, t0 + 10 * second - 1, true),
      ("session deadline caps: exactly at", t0 + 10 * second, t0 + 10 * second, false),
      ("already expired is not stored", t0, t0, false),
    ]
    for c in cases {
      let (store, cache) = storeAndCache([1])
      cache.insert(hash(1), record: record, expiresAt: c.expiresAt, now: t0, after: cache.fill())
      XCTAssertEqual(cache.lookup(hash(1), now: c.lookupAt) != nil, c.hit, c.name)
      XCTAssertEqual(store.entryCount, 1, "\(c.name): an expired cached record leaves the session alone")
    }
  }

  /// The fill-token table with the store as the cache (`SessionCacheFillTable`).
  func testLateFillNeverUndoesAnInvalidation() {
    SessionCacheFillTable(home: "memory store") { self.storeAndCache([1, 2]).1 }.run()
  }
}
