import XCTest

@testable import Sessions

/// The memory store as its own L1 keeps a session's record once: the first cached record (cache
/// form) replaces the entry's sealed copy, stays the store's record when the cache stops serving
/// it, and is sealed again only for `load(ticket:)` (docs/performance.md "Memory, round 4").
final class MemoryStoreOneFormTests: XCTestCase {
  let limits = SessionLimits(maxPerUser: 0, onLimit: .evictOldest)
  let ticket = fixedTicket(seed: 1)

  func storeAndCache(record: SessionRecord) -> (MemorySessionStore, SessionCache) {
    let store = MemorySessionStore()
    let summary = SessionSummary(
      storeKey: ticket.storeKey, hash: ticket.hashForLogs, created: t0, lastAccess: t0, expiresAt: t0 + hour,
      ipPrefix: "203.0.113.0/24", userAgent: "UA")
    store.create(
      StoredSession(sealed: try! record.sealed(for: ticket, compact: true), summary: summary),
      userKey: ticket.userKey, limits: limits, now: t0
    ) { if case .failure(let e) = $0 { XCTFail("\(e)") } }
    return (store, SessionCache(store: store, maxTTL: minute))
  }

  func load(_ store: MemorySessionStore, ticket: SessionTicket?, now: Int64 = t0) -> StoredSession? {
    var out: LoadOutcome?
    if let ticket {
      store.load(ticket: ticket, now: now) { out = try? $0.get() }
    } else {
      store.load(storeKey: self.ticket.storeKey, now: now) { out = try? $0.get() }
    }
    guard case .found(let stored)? = out else { return nil }
    return stored
  }

  func liveUnits(_ store: MemorySessionStore) -> Int { store.state.withLock { $0.arena.liveUnits } }

  func testTheCachedRecordReplacesTheSealedCopyAndStaysTheStoresRecord() {
    var touched = sampleRecord()
    touched.lastAccess = t0 + second
    let cases: [(name: String, after: (SessionCache) -> Void, served: Bool)] = [
      ("served", { _ in }, true),
      ("invalidated", { $0.invalidate(self.ticket.idHash) }, false),
      ("flushed", { $0.removeAll() }, false),
      ("past the cache's ttl", { _ = $0.lookup(self.ticket.idHash, now: t0 + minute) }, false),
    ]
    for c in cases {
      let (store, cache) = storeAndCache(record: sampleRecord())
      let sealedUnits = liveUnits(store)
      XCTAssertEqual(
        try? SessionRecord(unsealing: load(store, ticket: ticket)!.sealed, for: ticket), sampleRecord(),
        "\(c.name): before a fill, the record as created")
      XCTAssertTrue(
        cache.insert(ticket.idHash, record: touched, expiresAt: t0 + hour, now: t0, after: cache.fill()),
        c.name)
      let recordUnits = (1 + (try! touched.cacheForm()).count + 7) / 8
      XCTAssertLessThan(liveUnits(store), sealedUnits, "\(c.name): one form, smaller than the sealed one")
      XCTAssertEqual(
        liveUnits(store), 2 + recordUnits, "\(c.name): the entry's head (16 bytes) and the record block")
      c.after(cache)
      XCTAssertEqual(cache.lookup(ticket.idHash, now: t0) != nil, c.served, c.name)
      XCTAssertEqual(store.entryCount, 1, c.name)
      XCTAssertEqual(
        try? SessionRecord(unsealing: load(store, ticket: ticket)!.sealed, for: ticket), touched,
        "\(c.name): the store's record is the one cached last, sealed for the ticket")
      XCTAssertEqual(
        load(store, ticket: ticket)?.summary, load(store, ticket: nil)?.summary, "\(c.name): the same summary"
      )
      XCTAssertThrowsError(
        try SessionRecord(unsealing: load(store, ticket: nil)!.sealed, for: ticket),
        "\(c.name): without the ticket the record opens for nobody")
      XCTAssertNil(
        try? SessionRecord(unsealing: load(store, ticket: ticket)!.sealed, for: fixedTicket(seed: 2)),
        "\(c.name): sealed for its ticket, it opens for no other")
      store.destroy(storeKey: ticket.storeKey, userKey: ticket.userKey) { _ in }
      XCTAssertEqual(liveUnits(store), 0, "\(c.name): destroyed, nothing is left in the arena")
      XCTAssertEqual(cache.count, 0, c.name)
    }
  }

  func testRotationAndExpiryFreeTheUnsealedRecord() {
    let cases: [(name: String, change: (MemorySessionStore) -> Void)] = [
      (
        "rotated away",
        {
          let next = fixedTicket(seed: 9)
          $0.rotate(
            userKey: self.ticket.userKey, oldKey: self.ticket.storeKey,
            newSession: StoredSession(
              sealed: try! sampleRecord().sealed(for: next, compact: true),
              summary: SessionSummary(
                storeKey: next.storeKey, hash: next.hashForLogs, created: t0, lastAccess: t0,
                expiresAt: t0 + hour, ipPrefix: "", userAgent: "")),
            forward: try! SealedRecord.forwarding(to: next, from: self.ticket), grace: minute, now: t0
          ) { _ in }
        }
      ),
      ("purged after expiry", { $0.purgeExpired(now: t0 + 2 * hour) }),
      ("all revoked", { $0.revokeAll(userKey: self.ticket.userKey) { _ in } }),
    ]
    for c in cases {
      let (store, cache) = storeAndCache(record: sampleRecord())
      cache.insert(ticket.idHash, record: sampleRecord(), expiresAt: t0 + hour, now: t0, after: cache.fill())
      c.change(store)
      XCTAssertNil(load(store, ticket: ticket), c.name)
      XCTAssertEqual(cache.count, 0, c.name)
      XCTAssertEqual(
        store.state.withLock { s in s.slots.filter { $0.record != ByteArena.none }.count }, 0,
        "\(c.name): the old session's record block is freed")
    }
  }
}
