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
