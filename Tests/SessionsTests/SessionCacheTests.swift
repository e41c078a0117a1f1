import Sessions
import XCTest

final class SessionCacheTests: XCTestCase {
  func hash(_ seed: UInt8) -> SessionIDHash { fixedTicket(seed: seed).idHash }

  func testBoundAndLRUEviction() {
    let cache = SessionCache(capacity: 3, maxTTL: minute)
    let record = sampleRecord()
    for seed: UInt8 in 1...3 {
      cache.insert(hash(seed), record: record, expiresAt: t0 + hour, now: t0, after: cache.fill())
    }
    XCTAssertNotNil(cache.lookup(hash(1), now: t0), "1 used: now most recent")
    cache.insert(hash(4), record: record, expiresAt: t0 + hour, now: t0, after: cache.fill())
    let cases: [(name: String, seed: UInt8, present: Bool)] = [
      ("least recently used evicted", 2, false), ("touched entry kept", 1, true), ("3 kept", 3, true),
      ("newest kept", 4, true),
    ]
    for c in cases { XCTAssertEqual(cache.lookup(hash(c.seed), now: t0) != nil, c.present, c.name) }
    XCTAssertEqual(cache.count, 3, "bound holds")
  }

  func testDeadlines() {
    let maxTTL = minute
    let record = sampleRecord()
    let cases: [(name: String, expiresAt: Int64, lookupAt: Int64, hit: Bool)] = [
      ("max TTL caps: 1 ns before", t0 + hour, t0 + maxTTL - 1, true),
      ("max TTL caps: exactly at", t0 + hour, t0 + maxTTL, false),
      ("session deadline caps: 1 ns before", t0 + 10 * second, t0 + 10 * second - 1, true),
      ("session deadline caps: exactly at", t0 + 10 * second, t0 + 10 * second, false),
      ("session deadline caps: 1 ns after", t0 + 10 * second, t0 + 10 * second + 1, false),
      ("already expired is not stored", t0, t0, false),
    ]
    for c in cases {
      let cache = SessionCache(capacity: 4, maxTTL: maxTTL)
      cache.insert(hash(1), record: record, expiresAt: c.expiresAt, now: t0, after: cache.fill())
      XCTAssertEqual(cache.lookup(hash(1), now: c.lookupAt) != nil, c.hit, c.name)
    }
  }

  func testReplaceInvalidateRemoveAllAndCounters() {
    let cache = SessionCache(capacity: 4)
    var newer = sampleRecord()
    newer.generation = 5
    cache.insert(hash(1), record: sampleRecord(), expiresAt: t0 + hour, now: t0, after: cache.fill())
    cache.insert(hash(1), record: newer, expiresAt: t0 + hour, now: t0, after: cache.fill())
    XCTAssertEqual(cache.lookup(hash(1), now: t0)?.generation, 5, "insert replaces")
    XCTAssertEqual(cache.count, 1, "one entry per hash")
    cache.insert(hash(2), record: newer, expiresAt: t0 + hour, now: t0, after: cache.fill())
    cache.invalidate(storeKey: fixedTicket(seed: 1).storeKey)
    XCTAssertNil(cache.lookup(hash(1), now: t0), "invalidated by store key")
    cache.invalidate(storeKey: "not a store key")
    XCTAssertNotNil(cache.lookup(hash(2), now: t0), "garbage key ignored")
    cache.invalidate(hash(2))
    XCTAssertNil(cache.lookup(hash(2), now: t0), "invalidated by hash")
    for seed: UInt8 in 1...4 {
      cache.insert(hash(seed), record: newer, expiresAt: t0 + hour, now: t0, after: cache.fill())
    }
    cache.removeAll()
    XCTAssertEqual(cache.count, 0, "removeAll")
    for seed: UInt8 in 5...8 {
      cache.insert(hash(seed), record: newer, expiresAt: t0 + hour, now: t0, after: cache.fill())
    }
    XCTAssertEqual(cache.count, 4, "usable after removeAll")
    XCTAssertEqual(cache.hits, 2, "hits")
    XCTAssertEqual(cache.misses, 2, "misses")
  }

  func testManyEntriesChurn() {
    // Exercises the linked list through many evictions; the newest `capacity` must survive.
    let cache = SessionCache(capacity: 50)
    let record = sampleRecord()
    var hashes: [SessionIDHash] = []
    for i in 0..<500 {
      let h = SessionIDHash(digest: sha256([UInt8(i & 0xFF), UInt8(i >> 8)]))!
      hashes.append(h)
      cache.insert(h, record: record, expiresAt: t0 + hour, now: t0, after: cache.fill())
    }
    XCTAssertEqual(cache.count, 50, "bounded")
    XCTAssertNil(cache.lookup(hashes[449], now: t0), "older evicted")
    for h in hashes[450...] { XCTAssertNotNil(cache.lookup(h, now: t0), "newest kept") }
  }

  func testSharedAcrossThreads() {
    let cache = SessionCache(capacity: 64)
    let record = sampleRecord()
    DispatchQueue.concurrentPerform(iterations: 4) { worker in
      for i in 0..<2000 {
        let h = SessionIDHash(digest: sha256([UInt8(worker), UInt8(i & 0xFF), UInt8(i >> 8)]))!
        cache.insert(h, record: record, expiresAt: t0 + hour, now: t0, after: cache.fill())
        _ = cache.lookup(h, now: t0)
      }
    }
    XCTAssertEqual(cache.count, 64, "bound holds under contention")
    XCTAssertEqual(cache.hits + cache.misses, 8000, "every lookup counted")
  }
}

extension SessionCacheTests {
  func testRecentInvalidationsKeepOlderAnswersOut() {
    let record = sampleRecord()
    let cases: [(name: String, invalidatedAt: Int64?, since: Int64, stored: Bool)] = [
      ("never invalidated", nil, t0, true),
      ("invalidated after the cutoff", t0 + 5 * second, t0 + 4 * second, false),
      ("invalidated exactly at the cutoff", t0 + 5 * second, t0 + 5 * second, false),
      ("invalidated before the cutoff", t0 + 5 * second, t0 + 6 * second, true),
    ]
    for c in cases {
      let cache = SessionCache(capacity: 4)
      cache.insert(hash(1), record: record, expiresAt: t0 + hour, now: t0, after: cache.fill())
      cache.insert(hash(2), record: record, expiresAt: t0 + hour, now: t0, after: cache.fill())
      if let at = c.invalidatedAt {
        cache.invalidate(storeKey: fixedTicket(seed: 1).storeKey, at: at)
        XCTAssertNil(cache.lookup(hash(1), now: t0), "\(c.name): the entry is gone")
      }
      let stored = cache.insert(
        hash(1), record: record, expiresAt: t0 + hour, now: t0 + 6 * second, after: cache.fill(),
        unlessInvalidatedSince: c.since)
      XCTAssertEqual(stored, c.stored, c.name)
      XCTAssertEqual(cache.lookup(hash(1), now: t0 + 6 * second) != nil, c.stored, "\(c.name): lookup")
      XCTAssertNotNil(cache.lookup(hash(2), now: t0 + 6 * second), "\(c.name): another session is untouched")
    }
    let cache = SessionCache(capacity: 4)
    cache.invalidate(hash(1), at: t0 + 9 * second)
    cache.invalidate(hash(1), at: t0 + 1 * second)
    XCTAssertFalse(
      cache.insert(
        hash(1), record: record, expiresAt: t0 + hour, now: t0, after: cache.fill(),
        unlessInvalidatedSince: t0 + 5 * second),
      "the latest stamp counts, not the last call")
    cache.removeAll()
    XCTAssertFalse(
      cache.insert(
        hash(1), record: record, expiresAt: t0 + hour, now: t0, after: cache.fill(),
        unlessInvalidatedSince: t0 + 5 * second),
      "a flush keeps the stamps (they describe the server, not the cache)")
  }
}

extension SessionCacheTests {
  /// The fill-token table over the cache's own entries (`SessionCacheFillTable`).
  func testLateFillNeverUndoesAnInvalidation() {
    SessionCacheFillTable(home: "own entries") { SessionCache(capacity: 4) }.run()
  }
}
