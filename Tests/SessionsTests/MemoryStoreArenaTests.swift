import XCTest

@testable import Sessions

/// The memory store's compact entries (`MemoryStoreBytes` in a `ByteArena`): every kind of key and
/// summary comes back exactly, shared strings go with their last session, and a long churn
/// keeps the arena near the live bytes (compaction) with every session intact.
final class MemoryStoreArenaTests: XCTestCase {
  let unlimited = SessionLimits(maxPerUser: 0, onLimit: .evictOldest)

  func sealed(_ size: Int, seed: Int) -> SealedRecord {
    try! SealedRecord(
      bytes: [SealedRecord.version]
        + (0..<SealedRecord.headerByteCount - 1 + size).map { UInt8(truncatingIfNeeded: $0 ^ seed) })
  }

  func session(key: String, hash: String, ipPrefix: String, userAgent: String, size: Int, seed: Int)
    -> StoredSession
  {
    StoredSession(
      sealed: sealed(size, seed: seed),
      summary: SessionSummary(
        storeKey: key, hash: hash, created: t0 + Int64(seed), lastAccess: t0 + Int64(seed) + 1,
        expiresAt: t0 + hour + Int64(seed), ipPrefix: ipPrefix, userAgent: userAgent))
  }

  func load(_ store: MemorySessionStore, _ key: String, now: Int64 = t0) -> LoadOutcome? {
    var out: LoadOutcome?
    store.load(storeKey: key, now: now) { out = try? $0.get() }
    return out
  }

  func testEveryFormOfKeyAndSummaryComesBackExactly() {
    let t = fixedTicket(seed: 1)
    let other = fixedTicket(user: "bob", seed: 2)
    let cases: [(name: String, session: StoredSession, userKey: String)] = [
      (
        "ticket's key, user key and hash",
        session(
          key: t.storeKey, hash: t.hashForLogs, ipPrefix: "203.0.113.0/24", userAgent: "UA", size: 90, seed: 1
        ), t.userKey
      ),
      (
        "user key of another tag",
        session(key: other.storeKey, hash: other.hashForLogs, ipPrefix: "", userAgent: "", size: 0, seed: 2),
        t.userKey
      ),
      (
        "summary hash not the key's",
        session(
          key: fixedTicket(seed: 3).storeKey, hash: "other", ipPrefix: "2001:db8::/48",
          userAgent: "Mozilla/5.0 ünïcode", size: 500, seed: 3), "u:{x}"
      ),
      (
        "made-up key",
        session(key: "s:{00}:00", hash: "h", ipPrefix: "10.0.0.0/8", userAgent: "UA", size: 5, seed: 4),
        "alice"
      ),
      (
        "upper-case hex key",
        session(
          key: t.storeKey.uppercased(), hash: t.hashForLogs, ipPrefix: "", userAgent: "", size: 7, seed: 5),
        t.userKey
      ),
      (
        "key with the hash of another",
        session(
          key: "s:{0011223344556677}:" + fixedTicket(seed: 6).idHash.hex, hash: "", ipPrefix: "",
          userAgent: "", size: 7, seed: 6), "u:{0011223344556677}"
      ),
    ]
    let store = MemorySessionStore()
    for c in cases {
      store.create(c.session, userKey: c.userKey, limits: unlimited, now: t0) {
        XCTAssertNotNil(try? $0.get(), c.name)
      }
    }
    for c in cases {
      XCTAssertEqual(load(store, c.session.summary.storeKey), .found(c.session), c.name)
      var listed: [SessionSummary] = []
      store.list(userKey: c.userKey, now: t0) { listed = (try? $0.get()) ?? [] }
      XCTAssertTrue(listed.contains(c.session.summary), "\(c.name): listed under its user")
    }
    XCTAssertGreaterThan(store.state.withLock { $0.internedCount }, 0)
    for c in cases {
      store.destroy(storeKey: c.session.summary.storeKey, userKey: c.userKey) {
        XCTAssertEqual(try? $0.get(), true, c.name)
      }
    }
    XCTAssertEqual(store.entryCount, 0)
    XCTAssertEqual(store.state.withLock { $0.internedCount }, 0, "shared strings go with their last session")
    XCTAssertEqual(store.state.withLock { $0.arena.liveUnits }, 0, "every block given back")
  }

  /// 300,000 sessions through a window of 5,000 live ones, sizes changing over time, with
  /// a third of them with cached records: every live session loads as it was stored (a cached one
  /// with its record unsealed, `MemoryStoreOneFormTests`), and the
  /// arena stays within a small multiple of the live bytes.
  func testChurnOf300kSessionsKeepsEverySessionAndTheArenaNearItsLiveBytes() {
    let store = MemorySessionStore()
    let cache = SessionCache(store: store, maxTTL: hour)
    let total = 300_000
    let window = 5_000
    // The live sessions, at i % window.
    var live: [(i: Int, key: String, user: String, session: StoredSession)?] = Array(
      repeating: nil, count: window)
    // Even: a ticket-shaped key (tag and hash derived); odd: a made-up key held whole.
    let tags = (0..<97).map { hexString(Array(sha256(bytes("t\($0)")).prefix(8))) }
    func key(_ i: Int) -> String {
      guard i % 2 == 0 else { return "s:{" + String(i % 97, radix: 16) + "}:" + String(i) }
      let hex = String(UInt64(i), radix: 16)
      let word = String(repeating: "0", count: 16 - hex.count) + hex
      return "s:{" + tags[i % 97] + "}:" + word + word + word + word
    }
    let record = sampleRecord()
    var failures = 0
    for i in 0..<total {
      if let gone = live[i % window] {
        store.destroy(storeKey: gone.key, userKey: gone.user) { if (try? $0.get()) != true { failures += 1 } }
      }
      // Sizes drift with i, so the mix of block sizes keeps changing (compaction has work).
      let size = 20 + (i / 20_000 * 37 + i % 13) % 400
      let user = "user-\(i % 1_000)"
      let sealed = try! SealedRecord(
        bytes: [SealedRecord.version, UInt8(truncatingIfNeeded: i), UInt8(truncatingIfNeeded: i >> 8)]
          + [UInt8](
            repeating: UInt8(truncatingIfNeeded: i >> 16), count: SealedRecord.headerByteCount - 3 + size))
      let s = StoredSession(
        sealed: sealed,
        summary: SessionSummary(
          storeKey: key(i), hash: "h\(i % 7)", created: t0 + Int64(i), lastAccess: t0 + Int64(i),
          expiresAt: t0 + hour, ipPrefix: "10.\(i % 3).0.0/16", userAgent: "UA \(i % 5)"))
      store.create(s, userKey: user, limits: unlimited, now: t0) {
        if (try? $0.get()) == nil { failures += 1 }
      }
      live[i % window] = (i, key(i), user, s)
      if i % 3 == 0,
        !cache.insert(
          MemoryStoreBytes.hash(storeKey: key(i)), record: record, expiresAt: t0 + hour, now: t0,
          after: cache.fill())
      {
        failures += 1
      }
      if i % 50_000 == 0 {
        let (reserved, liveBytes) = store.state.withLock {
          ($0.arena.reservedByteCount, $0.arena.liveUnits * ByteArena.unitByteCount)
        }
        XCTAssertLessThanOrEqual(
          reserved, 3 * liveBytes + 2 * ByteArena.chunkUnits * ByteArena.unitByteCount, "after \(i)")
      }
    }
    XCTAssertEqual(failures, 0, "every create, destroy and cache fill answered as expected")
    XCTAssertEqual(store.entryCount, window)
    for case let entry? in live {
      // A cached record is the store's only copy: without a ticket it is answered sealed for nobody.
      let sealed = entry.i % 3 == 0 ? SealedRecord.opensForNobody : entry.session.sealed
      XCTAssertEqual(
        load(store, entry.key), .found(StoredSession(sealed: sealed, summary: entry.session.summary)))
      if entry.i % 3 == 0 {
        XCTAssertEqual(cache.lookup(MemoryStoreBytes.hash(storeKey: entry.key), now: t0), record)
      }
    }
    XCTAssertEqual(cache.count, live.filter { $0!.i % 3 == 0 }.count)
  }
}
