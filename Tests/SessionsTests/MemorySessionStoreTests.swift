import Sessions
import XCTest

final class MemorySessionStoreTests: XCTestCase {
  func testConformance() {
    SessionStoreConformance(makeStore: { MemorySessionStore() }, waitUntil: { _ in }, usesInjectedTime: true)
      .run()
  }

  /// The documented contract: the memory store answers before the call returns.
  func testCompletionsAreSynchronous() {
    let store = MemorySessionStore()
    let t = fixedTicket(seed: 1)
    let s = StoredSession(
      sealed: try! SealedRecord(bytes: [SealedRecord.version] + [UInt8](repeating: 0, count: 40)),
      summary: SessionSummary(
        storeKey: t.storeKey, hash: t.hashForLogs, created: t0, lastAccess: t0, expiresAt: t0 + hour,
        ipPrefix: "",
        userAgent: ""))
    var answered: [String] = []
    let cases: [(name: String, call: (@escaping () -> Void) -> Void)] = [
      (
        "create",
        { done in
          store.create(
            s, userKey: t.userKey, limits: SessionLimits(maxPerUser: 3, onLimit: .evictOldest), now: t0
          ) { _ in done() }
        }
      ),
      ("load", { done in store.load(storeKey: t.storeKey, now: t0) { _ in done() } }),
      (
        "touch",
        { done in
          store.touch(storeKey: t.storeKey, userKey: t.userKey, lastAccess: t0, expiresAt: t0, now: t0) { _ in
            done()
          }
        }
      ),
      ("list", { done in store.list(userKey: t.userKey, now: t0) { _ in done() } }),
      (
        "rotate",
        { done in
          store.rotate(userKey: t.userKey, oldKey: "x", newSession: s, forward: s.sealed, grace: 1, now: t0) {
            _ in done()
          }
        }
      ),
      ("destroy", { done in store.destroy(storeKey: t.storeKey, userKey: t.userKey) { _ in done() } }),
      ("revokeAll", { done in store.revokeAll(userKey: t.userKey) { _ in done() } }),
    ]
    for c in cases {
      c.call { answered.append(c.name) }
      XCTAssertEqual(answered.last, c.name, "\(c.name): answered before returning")
    }
  }

  func testCompletionMayReenterTheStore() {
    let store = MemorySessionStore()
    var inner: LoadOutcome?
    store.load(storeKey: "s:{00}:00", now: t0) { _ in
      store.load(storeKey: "s:{00}:00", now: t0) { inner = try? $0.get() }
    }
    XCTAssertEqual(inner, .notFound, "no deadlock: completion runs outside the lock")
  }

  func testPurgeExpired() {
    let store = MemorySessionStore()
    let conformance = SessionStoreConformance(
      makeStore: { store }, waitUntil: { _ in }, usesInjectedTime: true)
    let short = fixedTicket(seed: 1)
    let long = fixedTicket(seed: 2)
    _ = conformance.create(store, conformance.session(short, expiresAt: t0 + minute), "short")
    _ = conformance.create(store, conformance.session(long, expiresAt: t0 + hour), "long")
    let cases: [(name: String, now: Int64, removed: Int, left: Int)] = [
      ("nothing due", t0 + minute - 1, 0, 2), ("short one due", t0 + minute, 1, 1),
      ("again: nothing", t0 + minute, 0, 1),
    ]
    for c in cases {
      XCTAssertEqual(store.purgeExpired(now: c.now), c.removed, c.name)
      XCTAssertEqual(store.entryCount, c.left, c.name)
    }
  }
}

extension MemorySessionStoreTests {
  /// Many users and sessions created, destroyed and revoked in a seeded random order; after each
  /// step the store answers every key exactly as a plain model does (the compact index's
  /// deletions and slot reuse must never lose or resurrect a key).
  func testChurnMatchesAModel() {
    var rng = SeededGenerator(seed: 11)
    let store = MemorySessionStore()
    let limits = SessionLimits(maxPerUser: 0, onLimit: .evictOldest)
    var live: [String: SessionTicket] = [:]
    var everyTicket: [SessionTicket] = []
    for step in 0..<3000 {
      let roll = Int.random(in: 0..<10, using: &rng)
      if roll < 6 || live.isEmpty {
        let user = "user-\(Int.random(in: 0..<40, using: &rng))"
        var id = [UInt8](repeating: 0, count: 16)
        for i in 0..<16 { id[i] = UInt8.random(in: 0...255, using: &rng) }
        let t = SessionTicket(
          userTag: ring(keyA).userTag(for: user), id: id, secret: [UInt8](repeating: 1, count: 32))
        let s = StoredSession(
          sealed: try! SealedRecord(bytes: [SealedRecord.version] + id + id + id),
          summary: SessionSummary(
            storeKey: t.storeKey, hash: t.hashForLogs, created: t0, lastAccess: t0, expiresAt: t0 + hour,
            ipPrefix: "", userAgent: "step \(step)"))
        store.create(s, userKey: t.userKey, limits: limits, now: t0) {
          if case .failure(let e) = $0 { XCTFail("\(e)") }
        }
        live[t.storeKey] = t
        everyTicket.append(t)
      } else if roll < 9 {
        let t = live.values.randomElement(using: &rng)!
        store.destroy(storeKey: t.storeKey, userKey: t.userKey) { XCTAssertEqual(try? $0.get(), true) }
        live[t.storeKey] = nil
      } else {
        let t = live.values.randomElement(using: &rng)!
        var revoked: [String] = []
        store.revokeAll(userKey: t.userKey) { revoked = (try? $0.get()) ?? [] }
        let expected = live.values.filter { $0.userKey == t.userKey }.map(\.storeKey).sorted()
        XCTAssertEqual(revoked, expected, "step \(step): revokeAll answers the user's keys")
        for key in expected { live[key] = nil }
      }
      if step % 250 == 0 || step == 2999 {
        for t in everyTicket {
          var found = false
          store.load(storeKey: t.storeKey, now: t0) {
            if case .success(.found(let s)) = $0 {
              found = true
              XCTAssertEqual(s.summary.storeKey, t.storeKey)
            }
          }
          XCTAssertEqual(found, live[t.storeKey] != nil, "step \(step)")
        }
        XCTAssertEqual(store.entryCount, live.count, "step \(step)")
      }
    }
  }
}

/// A small deterministic generator (SplitMix64) so a failure repeats.
struct SeededGenerator: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
