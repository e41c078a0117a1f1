import Sessions
import XCTest

/// The contract every `SessionStore` must meet, run against each implementation (memory now,
/// Redis later). `makeStore` gives a fresh, empty store per case; `waitUntil` drives the store's
/// loop until the condition holds (nothing to drive for the memory store). A store that takes
/// time from its server instead of the injected `now` (Redis `TIME`) passes
/// `usesInjectedTime: false`, which skips only the cases that move the fake clock.
struct SessionStoreConformance {
  let makeStore: () -> any SessionStore
  let waitUntil: (() -> Bool) -> Void
  let usesInjectedTime: Bool
  let limits = SessionLimits(maxPerUser: 3, onLimit: .evictOldest)

  func run() {
    createLoadDestroy()
    capEvictsLeastRecentlyUsed()
    capRejectsNew()
    touchMovesForwardOnly()
    rotationForwardsAndConverges()
    revokeAllAndList()
    if usesInjectedTime {
      deadlinesAndGraceExpiry()
    }
  }

  // MARK: helpers

  func call<T>(_ start: (@escaping (Result<T, SessionError>) -> Void) -> Void, _ name: String) -> T? {
    let completion = Completion<T>()
    start(completion.callback())
    waitUntil { completion.result != nil }
    XCTAssertEqual(completion.callCount, 1, "\(name): completion runs exactly once")
    switch completion.result {
    case .success(let value)?: return value
    case .failure(let error)?:
      XCTFail("\(name): \(error)")
      return nil
    case nil:
      XCTFail("\(name): no answer")
      return nil
    }
  }

  func session(_ ticket: SessionTicket, created: Int64 = t0, expiresAt: Int64 = t0 + 30 * minute)
    -> StoredSession
  {
    StoredSession(
      sealed: try! SealedRecord(bytes: [SealedRecord.version] + [UInt8](repeating: ticket.id[0], count: 40)),
      summary: SessionSummary(
        storeKey: ticket.storeKey, hash: ticket.hashForLogs, created: created, lastAccess: created,
        expiresAt: expiresAt, ipPrefix: "203.0.113.0/24", userAgent: "UA"))
  }

  func create(
    _ store: any SessionStore, _ s: StoredSession, user: String = "alice", limits: SessionLimits? = nil,
    now: Int64 = t0, _ name: String
  ) -> CreateOutcome? {
    call(
      {
        store.create(
          s, userKey: ring(keyA).userKey(for: user), limits: limits ?? self.limits, now: now, completion: $0)
      }, name)
  }

  func load(_ store: any SessionStore, _ key: String, now: Int64 = t0, _ name: String) -> LoadOutcome? {
    call({ store.load(storeKey: key, now: now, completion: $0) }, name)
  }

  // MARK: cases

  func createLoadDestroy() {
    let store = makeStore()
    let a = fixedTicket(seed: 1)
    let s = session(a)
    XCTAssertEqual(create(store, s, "create"), .created(evicted: []), "create: nothing evicted")
    XCTAssertEqual(load(store, a.storeKey, "load"), .found(s), "load: same bytes back")
    XCTAssertEqual(load(store, fixedTicket(seed: 99).storeKey, "load unknown"), .notFound, "load unknown")
    XCTAssertEqual(
      call({ store.destroy(storeKey: a.storeKey, userKey: a.userKey, completion: $0) }, "destroy"), true,
      "destroy")
    XCTAssertEqual(load(store, a.storeKey, "load destroyed"), .notFound, "destroyed is gone")
    XCTAssertEqual(
      call({ store.destroy(storeKey: a.storeKey, userKey: a.userKey, completion: $0) }, "destroy again"),
      false,
      "destroy again")
  }

  func capEvictsLeastRecentlyUsed() {
    let store = makeStore()
    let tickets = (1...5).map { fixedTicket(seed: UInt8($0)) }
    for (i, t) in tickets.prefix(3).enumerated() {
      let at = t0 + Int64(i) * second
      _ = create(store, session(t, created: at, expiresAt: at + 30 * minute), now: at, "create \(i + 1)")
    }
    // Session 1 is used again: session 2 is now the least recently used.
    _ = call(
      {
        store.touch(
          storeKey: tickets[0].storeKey, userKey: tickets[0].userKey, lastAccess: t0 + 5 * second,
          expiresAt: t0 + 5 * second + 30 * minute, now: t0 + 5 * second, completion: $0)
      }, "touch 1")
    let at4 = t0 + 6 * second
    XCTAssertEqual(
      create(store, session(tickets[3], created: at4, expiresAt: at4 + 30 * minute), now: at4, "4th"),
      .created(evicted: [tickets[1].storeKey]), "4th login evicts the least recently used")
    let at5 = t0 + 7 * second
    XCTAssertEqual(
      create(store, session(tickets[4], created: at5, expiresAt: at5 + 30 * minute), now: at5, "5th"),
      .created(evicted: [tickets[2].storeKey]), "5th login evicts the next oldest")
    for (i, alive) in [true, false, false, true, true].enumerated() {
      let found = load(store, tickets[i].storeKey, now: at5, "load \(i + 1)")
      XCTAssertEqual(found != .notFound, alive, "session \(i + 1) alive = \(alive)")
    }
    // Another user's sessions do not count against alice.
    XCTAssertEqual(
      create(store, session(fixedTicket(user: "bob", seed: 50)), user: "bob", "bob"), .created(evicted: []),
      "per user")
  }

  func capRejectsNew() {
    let store = makeStore()
    let reject = SessionLimits(maxPerUser: 3, onLimit: .rejectNew)
    for seed: UInt8 in 1...3 {
      XCTAssertEqual(
        create(store, session(fixedTicket(seed: seed)), limits: reject, "create \(seed)"),
        .created(evicted: []), "create \(seed)")
    }
    let fourth = fixedTicket(seed: 4)
    XCTAssertEqual(
      create(store, session(fourth), limits: reject, "4th"), .rejectedLimitReached,
      "reject_new refuses the 4th")
    XCTAssertEqual(load(store, fourth.storeKey, "load 4th"), .notFound, "refused session not stored")
    let unlimited = SessionLimits(maxPerUser: 0, onLimit: .rejectNew)
    XCTAssertEqual(
      create(store, session(fourth), limits: unlimited, "unlimited"), .created(evicted: []), "0 = no cap")
  }

  func touchMovesForwardOnly() {
    let store = makeStore()
    let a = fixedTicket(seed: 1)
    _ = create(store, session(a), "create")
    let later = t0 + 2 * minute
    let cases: [(name: String, lastAccess: Int64, expiresAt: Int64, expected: TouchOutcome)] = [
      ("forward", later, later + 30 * minute, .touched),
      ("same again", later, later + 30 * minute, .unchanged),
      ("backwards", t0, t0 + 30 * minute, .unchanged),
    ]
    for c in cases {
      XCTAssertEqual(
        call(
          {
            store.touch(
              storeKey: a.storeKey, userKey: a.userKey, lastAccess: c.lastAccess, expiresAt: c.expiresAt,
              now: later, completion: $0)
          }, c.name),
        c.expected, c.name)
    }
    guard case .found(let s)? = load(store, a.storeKey, now: later, "load touched") else {
      return XCTFail("touched session must load")
    }
    XCTAssertEqual(s.summary.lastAccess, later, "summary last access moved")
    XCTAssertEqual(s.summary.expiresAt, later + 30 * minute, "deadline moved")
    let missing = fixedTicket(seed: 77)
    XCTAssertEqual(
      call(
        {
          store.touch(
            storeKey: missing.storeKey, userKey: missing.userKey, lastAccess: later,
            expiresAt: later + minute, now: later, completion: $0)
        }, "touch missing"),
      .notFound, "touch missing")
  }

  func rotationForwardsAndConverges() {
    let store = makeStore()
    let old = fixedTicket(seed: 1)
    let first = fixedTicket(seed: 2)
    let second = fixedTicket(seed: 3)
    _ = create(store, session(old), "create")
    let forward1 = try! SealedRecord.forwarding(to: first, from: old)
    let forward2 = try! SealedRecord.forwarding(to: second, from: old)
    let now = t0 + 5 * minute
    XCTAssertEqual(
      call(
        {
          store.rotate(
            userKey: old.userKey, oldKey: old.storeKey, newSession: session(first), forward: forward1,
            grace: 10 * 1_000_000_000, now: now, completion: $0)
        }, "rotate 1"),
      .rotated, "first rotation wins")
    XCTAssertEqual(
      call(
        {
          store.rotate(
            userKey: old.userKey, oldKey: old.storeKey, newSession: session(second), forward: forward2,
            grace: 10 * 1_000_000_000, now: now, completion: $0)
        }, "rotate 2"),
      .alreadyRotated(newStoreKey: first.storeKey, forward: forward1),
      "concurrent rotation converges on the first")
    XCTAssertEqual(load(store, second.storeKey, now: now, "loser"), .notFound, "loser's session not stored")
    XCTAssertEqual(
      load(store, old.storeKey, now: now, "old key"),
      .forwarded(newStoreKey: first.storeKey, forward: forward1),
      "old key forwards")
    XCTAssertEqual(try! forward1.openForwarding(with: old), first, "forward names the winner")
    XCTAssertEqual(load(store, first.storeKey, now: now, "new key"), .found(session(first)), "new key live")
    let listed = call({ store.list(userKey: old.userKey, now: now, completion: $0) }, "list")
    XCTAssertEqual(listed?.map(\.storeKey), [first.storeKey], "index holds only the new key")
    // Destroying the successor kills the forwarding too.
    _ = call(
      { store.destroy(storeKey: first.storeKey, userKey: first.userKey, completion: $0) }, "destroy new")
    XCTAssertEqual(load(store, first.storeKey, now: now, "destroyed new"), .notFound, "destroyed successor")
    let missing = fixedTicket(seed: 88)
    XCTAssertEqual(
      call(
        {
          store.rotate(
            userKey: missing.userKey, oldKey: missing.storeKey, newSession: session(second),
            forward: forward2, grace: 1, now: now, completion: $0)
        }, "rotate missing"),
      .notFound, "rotate missing")
  }

  func revokeAllAndList() {
    let store = makeStore()
    let alice = (1...3).map { fixedTicket(seed: UInt8($0)) }
    for (i, t) in alice.enumerated() {
      let at = t0 + Int64(i) * second
      _ = create(store, session(t, created: at, expiresAt: at + 30 * minute), now: at, "create \(i)")
    }
    let bob = fixedTicket(user: "bob", seed: 9)
    _ = create(store, session(bob), user: "bob", "bob")
    let listed = call({ store.list(userKey: alice[0].userKey, now: t0 + 3 * second, completion: $0) }, "list")
    XCTAssertEqual(listed?.map(\.storeKey), alice.map(\.storeKey), "list: least recently used first")
    XCTAssertEqual(listed?.first?.hash, alice[0].hashForLogs, "list carries the log hash")
    XCTAssertEqual(listed?.first?.ipPrefix, "203.0.113.0/24", "list carries the prefix")
    let revoked = call({ store.revokeAll(userKey: alice[0].userKey, completion: $0) }, "revokeAll")
    XCTAssertEqual(Set(revoked ?? []), Set(alice.map(\.storeKey)), "revokeAll names every key")
    for t in alice { XCTAssertEqual(load(store, t.storeKey, "load revoked"), .notFound, "revoked") }
    XCTAssertEqual(load(store, bob.storeKey, "bob"), .found(session(bob)), "other user untouched")
    XCTAssertEqual(
      call({ store.list(userKey: alice[0].userKey, now: t0, completion: $0) }, "list empty"), [],
      "empty after revoke")
  }

  func deadlinesAndGraceExpiry() {
    let store = makeStore()
    let a = fixedTicket(seed: 1)
    let deadline = t0 + 30 * minute
    _ = create(store, session(a, expiresAt: deadline), "create")
    let cases: [(name: String, now: Int64, found: Bool)] = [
      ("1 ns before the deadline", deadline - 1, true), ("exactly at the deadline", deadline, false),
    ]
    for c in cases {
      XCTAssertEqual(load(store, a.storeKey, now: c.now, c.name) != .notFound, c.found, c.name)
    }

    // Grace: old key forwards strictly before rotation + grace.
    let old = fixedTicket(seed: 10)
    let new = fixedTicket(seed: 11)
    _ = create(store, session(old), "create old")
    let grace: Int64 = 10 * 1_000_000_000
    let at = t0 + minute
    let forward = try! SealedRecord.forwarding(to: new, from: old)
    _ = call(
      {
        store.rotate(
          userKey: old.userKey, oldKey: old.storeKey, newSession: session(new), forward: forward,
          grace: grace, now: at, completion: $0)
      }, "rotate")
    XCTAssertEqual(
      load(store, old.storeKey, now: at + grace - 1, "in grace"),
      .forwarded(newStoreKey: new.storeKey, forward: forward), "1 ns before grace end")
    XCTAssertEqual(
      call(
        {
          store.rotate(
            userKey: old.userKey, oldKey: old.storeKey, newSession: session(fixedTicket(seed: 12)),
            forward: forward, grace: grace, now: at + grace, completion: $0)
        }, "rotate after grace"),
      .notFound, "a late concurrent rotation finds nothing")
    XCTAssertEqual(
      load(store, old.storeKey, now: at + grace, "grace over"), .notFound, "exactly at grace end")
    XCTAssertNotEqual(
      load(store, new.storeKey, now: at + grace, "new after grace"), .notFound, "successor lives on")

    // Expired sessions do not count against the cap.
    let capped = makeStore()
    for seed: UInt8 in 20...22 {
      _ = create(capped, session(fixedTicket(seed: seed), expiresAt: t0 + minute), "short \(seed)")
    }
    XCTAssertEqual(
      create(
        capped, session(fixedTicket(seed: 23), created: t0 + minute, expiresAt: t0 + hour),
        limits: SessionLimits(maxPerUser: 3, onLimit: .rejectNew), now: t0 + minute, "after expiry"),
      .created(evicted: []), "expired sessions free their slots")
  }
}
