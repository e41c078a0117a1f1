import Sessions
import XCTest

/// `MigratingSessionStore` per mode, beyond the conformance suite: who answers, what the other
/// store gets, copies on read, comparisons, fallbacks, the drain, `require = "both"`, and the
/// step back — with synchronous stores that can fail and a fake clock.
final class MigratingSessionStoreTests: XCTestCase {
  var from: ControlledStore!
  var to: ControlledStore!
  var metrics: RecordingMigrationMetrics!
  var clock: FakeClock!
  var control: MigrationControl!
  var store: MigratingSessionStore!
  let limits = SessionLimits(maxPerUser: 2, onLimit: .evictOldest)

  func make(
    _ setting: MigrationSetting, require: MigrationWriteRequirement = .primary,
    thresholds: MigrationThresholds = MigrationThresholds(), drainWindow: UInt64 = 1_000_000_000_000
  ) {
    from = ControlledStore()
    to = ControlledStore()
    metrics = RecordingMigrationMetrics()
    clock = FakeClock()
    to.clock = clock
    control = MigrationControl(
      initial: setting, thresholds: thresholds, drainWindow: drainWindow, clock: clock.read)
    store = MigratingSessionStore(
      from: from, to: to, control: control, require: require, metrics: metrics, clock: clock.read)
  }

  /// A user whose split bucket is below (`true`) or at/above 50.
  func user(inLowerHalf lower: Bool, _ n: Int = 0) -> String {
    var found = -1
    for i in 0... where (MigrationBucket.of(key: fixedTicket(user: "u\(i)", seed: 1).userKey) < 50) == lower {
      found += 1
      if found == n { return "u\(i)" }
    }
    fatalError("unreachable")
  }

  /// A real sealed session; a higher seed expires later (the cap evicts the lowest seed first).
  func stored(_ ticket: SessionTicket, generation: UInt64 = 0) -> StoredSession {
    var record = sampleRecord()
    record.generation = generation
    return StoredSession(
      sealed: try! record.sealed(for: ticket),
      summary: SessionSummary(
        storeKey: ticket.storeKey, hash: ticket.hashForLogs, created: t0, lastAccess: t0,
        expiresAt: t0 + hour + Int64(ticket.id[0]) * second, ipPrefix: "", userAgent: ""))
  }

  @discardableResult
  func create(_ ticket: SessionTicket, in target: SessionStore? = nil) -> Result<CreateOutcome, SessionError>?
  {
    var result: Result<CreateOutcome, SessionError>?
    (target ?? store).create(stored(ticket), userKey: ticket.userKey, limits: limits, now: t0) { result = $0 }
    return result
  }

  func load(_ ticket: SessionTicket, withTicket: Bool = true) -> Result<LoadOutcome, SessionError>? {
    var result: Result<LoadOutcome, SessionError>?
    if withTicket {
      store.load(ticket: ticket, now: t0) { result = $0 }
    } else {
      store.load(storeKey: ticket.storeKey, now: t0) { result = $0 }
    }
    return result
  }

  func destroy(_ ticket: SessionTicket) -> Bool? {
    var result: Bool?
    store.destroy(storeKey: ticket.storeKey, userKey: ticket.userKey) { result = try? $0.get() }
    return result
  }

  // MARK: shadow

  func testShadowMirrorsWritesAndCopiesWhatToLacks() {
    make(MigrationSetting(mode: .shadow))
    let a = fixedTicket(seed: 1)
    XCTAssertEqual(try create(a)?.get(), .created(evicted: []), "login answered by from")
    XCTAssertEqual(to.peek(a.storeKey), from.peek(a.storeKey), "mirrored to to, same bytes")
    // A session only from has (created before the migration) is copied by a read.
    let old = fixedTicket(seed: 2)
    create(old, in: from.inner)
    XCTAssertEqual(to.peek(old.storeKey), .notFound, "to lacks it")
    XCTAssertEqual(try load(old)?.get(), from.peek(old.storeKey), "from answers")
    XCTAssertEqual(to.peek(old.storeKey), from.peek(old.storeKey), "copied to to on read")
    XCTAssertEqual(metrics.count("to.copy.ok"), 1, "copy counted")
    XCTAssertEqual(metrics.mismatches, [], "shadow does not compare")
    // The cap is from's decision; to drops what from evicted.
    let third = fixedTicket(seed: 3)
    XCTAssertEqual(try create(third)?.get(), .created(evicted: [a.storeKey]), "from evicts the oldest")
    XCTAssertEqual(to.peek(a.storeKey), .notFound, "to drops the evicted session too")
    // to failing changes nothing for the caller.
    to.failing = true
    XCTAssertEqual(destroy(third), true, "destroy answered by from")
    XCTAssertEqual(try load(old)?.get(), from.peek(old.storeKey), "reads still answered")
    XCTAssertGreaterThan(metrics.count("to.destroy.error"), 0, "to's failure counted")
  }

  // MARK: dual

  func testDualComparesAfterUnsealing() {
    make(MigrationSetting(mode: .dual))
    let a = fixedTicket(seed: 1)
    create(a)
    XCTAssertEqual(try load(a)?.get(), from.peek(a.storeKey), "from answers")
    XCTAssertEqual(metrics.mismatches, [], "identical copies agree")
    XCTAssertEqual(to.calls, ["create", "load"], "to was written and read")
    // to holds an older generation (it missed a rotation): compared after unsealing.
    let b = fixedTicket(seed: 2)
    create(b, in: from.inner)
    to.inner.create(stored(b, generation: 7), userKey: b.userKey, limits: limits, now: t0) { _ in }
    _ = load(b)
    XCTAssertEqual(metrics.mismatches.last, [.generation], "generation mismatch named")
    _ = load(b, withTicket: false)
    XCTAssertEqual(metrics.mismatches.last, [.record], "without the ticket only the bytes can be compared")
    // Missing in to: counted and copied.
    let c = fixedTicket(seed: 3)
    create(c, in: from.inner)
    _ = load(c)
    XCTAssertEqual(metrics.mismatches.last, [.presence], "presence mismatch")
    XCTAssertEqual(to.peek(c.storeKey), from.peek(c.storeKey), "copied to to")
    // Only in to: from is the authority in dual.
    let d = fixedTicket(user: "dora", seed: 4)
    create(d, in: to.inner)
    XCTAssertEqual(try load(d)?.get(), .notFound, "from's not-found stands")
    // from failing: to's answer is used for reads, never for writes.
    from.failing = true
    XCTAssertEqual(try load(a)?.get(), to.peek(a.storeKey), "read falls back to to")
    XCTAssertEqual(metrics.fallbacks, [.error], "fallback counted")
    XCTAssertThrowsError(try create(fixedTicket(seed: 5))?.get(), "a login is not stored in to alone")
  }

  /// A logout that reaches both stores between `from`'s answer and the copy to `to` must not
  /// leave the session alive in `to`.
  func testACopyRacingALogoutIsWithdrawn() {
    make(MigrationSetting(mode: .dual))
    let leaving = fixedTicket(seed: 1)
    create(leaving, in: from.inner)
    from.afterLoad = { [from] in
      from!.afterLoad = nil
      from!.inner.destroy(storeKey: leaving.storeKey, userKey: leaving.userKey) { _ in }
    }
    XCTAssertEqual(try load(leaving)?.get().isFound, true, "the read still saw it")
    XCTAssertEqual(to.peek(leaving.storeKey), .notFound, "the copy was withdrawn")
    XCTAssertEqual(metrics.count("to.copy.ok"), 1, "it had been copied")
    XCTAssertEqual(metrics.count("to.destroy.ok"), 1, "and destroyed again")
  }

  // MARK: split

  func testSplitRoutesByUserAndFallsBack() {
    make(MigrationSetting(mode: .split, percentage: 50))
    let onTo = fixedTicket(user: user(inLowerHalf: true), seed: 1)
    let onFrom = fixedTicket(user: user(inLowerHalf: false), seed: 1)
    // A session only to has is found for a user on to; for a user on from, from decides.
    create(onTo, in: to.inner)
    create(onFrom, in: to.inner)
    XCTAssertEqual(try load(onTo)?.get(), to.peek(onTo.storeKey), "to answers its users")
    XCTAssertEqual(try load(onFrom)?.get(), .notFound, "from answers its users")
    // to missing a session of its user: from's copy is used and copied.
    let missing = fixedTicket(user: user(inLowerHalf: true), seed: 2)
    create(missing, in: from.inner)
    XCTAssertEqual(try load(missing)?.get(), from.peek(missing.storeKey), "fallback to from")
    XCTAssertEqual(metrics.fallbacks, [.notFound], "not-found fallback")
    XCTAssertEqual(to.peek(missing.storeKey), from.peek(missing.storeKey), "copied to to")
    // The cap of a user on to is to's decision; from follows.
    let user2 = user(inLowerHalf: true, 1)
    let logins = (1...3).map { fixedTicket(user: user2, seed: UInt8($0)) }
    var outcomes: [CreateOutcome?] = []
    for t in logins { outcomes.append(try? create(t)?.get()) }
    XCTAssertEqual(outcomes.last, .created(evicted: [logins[0].storeKey]), "to evicts")
    XCTAssertEqual(from.peek(logins[0].storeKey), .notFound, "from drops the same session")
    // to failing: its users' reads and logins are served by from.
    to.failing = true
    XCTAssertEqual(try load(logins[2])?.get(), from.peek(logins[2].storeKey), "read served by from")
    let during = fixedTicket(user: user2, seed: 9)
    XCTAssertEqual(
      try create(during)?.get(), .created(evicted: [logins[1].storeKey]), "login decided by from")
    XCTAssertNotEqual(from.peek(during.storeKey), .notFound, "stored in from")
  }

  // MARK: owed deletions

  /// What `to` missed while it failed (a logout, a revocation, an eviction by the cap, a
  /// rotation's old id) is owed to it: delivered before the user's next login, and on its next
  /// answered call. Without that, a logged-out session stays live in `to` and counts against the
  /// user's cap once `to` answers again.
  func testDeletionsMissedByAFailingToAreDeliveredLater() {
    make(MigrationSetting(mode: .split, percentage: 50))
    let name = user(inLowerHalf: true)
    let first = fixedTicket(user: name, seed: 1)
    let second = fixedTicket(user: name, seed: 2)
    create(first)
    create(second)
    to.failing = true
    XCTAssertEqual(destroy(first), true, "logout answered by from")
    XCTAssertNotEqual(to.peek(first.storeKey), .notFound, "to missed the logout")
    XCTAssertEqual(control.owedDeletions.pending, 1, "owed to to")
    to.failing = false
    // The user's next login: to (the primary) decides the cap without the ended session.
    let third = fixedTicket(user: name, seed: 3)
    XCTAssertEqual(try create(third)?.get(), .created(evicted: []), "a login below the cap is not refused")
    XCTAssertEqual(to.peek(first.storeKey), .notFound, "delivered before the login")
    XCTAssertEqual(control.owedDeletions.pending, 0, "nothing owed")

    // Revoke-all and an eviction by from's cap while to fails; delivered on to's next answer.
    let other = user(inLowerHalf: true, 1)
    let kept = (1...2).map { fixedTicket(user: other, seed: UInt8($0)) }
    kept.forEach { create($0) }
    to.failing = true
    let during = fixedTicket(user: other, seed: 9)
    XCTAssertEqual(try create(during)?.get(), .created(evicted: [kept[0].storeKey]), "from decides the cap")
    var revoked: [String]?
    store.revokeAll(userKey: second.userKey) { revoked = try? $0.get() }
    XCTAssertEqual(revoked?.sorted(), [second.storeKey, third.storeKey].sorted(), "revoked in from")
    XCTAssertEqual(control.owedDeletions.pending, 3, "the eviction and both revocations owed")
    XCTAssertEqual(metrics.owedDeletions, 3, "reported")
    to.failing = false
    _ = load(kept[1])
    XCTAssertEqual(control.owedDeletions.pending, 0, "delivered on to's next answer")
    XCTAssertEqual(metrics.owedDeletions, 0, "reported")
    for gone in [kept[0], second, third] {
      XCTAssertEqual(to.peek(gone.storeKey), .notFound, "deleted in to")
    }
    XCTAssertNotEqual(to.peek(kept[1].storeKey), .notFound, "the live session stays")

    // A delivery that fails again stays owed.
    let last = fixedTicket(user: other, seed: 4)
    create(last)
    to.failing = true
    _ = destroy(last)
    _ = load(kept[1])
    XCTAssertEqual(control.owedDeletions.pending, 1, "still owed while to fails")
  }

  // MARK: complete

  func testCompleteDrainsFromWithoutResurrectingAnything() {
    make(MigrationSetting(mode: .complete), drainWindow: 60 * 1_000_000_000)
    let old = fixedTicket(seed: 1)
    create(old, in: from.inner)
    XCTAssertEqual(try load(old)?.get(), from.peek(old.storeKey), "from answers while draining")
    XCTAssertEqual(to.peek(old.storeKey), from.peek(old.storeKey), "and the session moves to to")
    let fresh = fixedTicket(seed: 2)
    create(fresh)
    XCTAssertEqual(from.peek(fresh.storeKey), .notFound, "new logins go to to only")
    // Logout: gone from both, so a fallback cannot bring it back.
    XCTAssertEqual(destroy(old), true, "logout")
    XCTAssertEqual(from.peek(old.storeKey), .notFound, "deleted in from too")
    XCTAssertEqual(try load(old)?.get(), .notFound, "not resurrected")
    // Rotation: the old id is deleted in from as well.
    let rotating = fixedTicket(seed: 3)
    create(rotating, in: from.inner)
    _ = load(rotating)
    let successor = fixedTicket(seed: 4)
    var rotated: RotateOutcome?
    store.rotate(
      userKey: rotating.userKey, oldKey: rotating.storeKey, newSession: stored(successor),
      forward: try! SealedRecord.forwarding(to: successor, from: rotating), grace: 0, now: t0
    ) { rotated = try? $0.get() }
    XCTAssertEqual(rotated, .rotated, "rotated in to")
    XCTAssertEqual(from.peek(rotating.storeKey), .notFound, "old id gone from from")
    XCTAssertEqual(try load(rotating)?.get(), .notFound, "old id refused after the grace")
    // After the drain window from is never asked again.
    clock.advance(by: 60 * 1_000_000_000)
    from.reset()
    let late = fixedTicket(seed: 5)
    create(late, in: from.inner)
    XCTAssertEqual(try load(late)?.get(), .notFound, "drained: to alone answers")
    _ = destroy(late)
    XCTAssertEqual(from.calls, [], "from untouched after the drain")
  }

  // MARK: require = both

  func testRequireBothRefusesWhatOneStoreMissed() {
    make(MigrationSetting(mode: .dual), require: .both)
    to.failing = true
    let a = fixedTicket(seed: 1)
    XCTAssertThrowsError(try create(a)?.get(), "login refused when to fails")
    XCTAssertEqual(from.peek(a.storeKey), .notFound, "and not left behind in from")
    XCTAssertNil(destroy(a), "destroy fails too")
    to.failing = false
    XCTAssertEqual(try create(a)?.get(), .created(evicted: []), "both up: accepted")
  }

  // MARK: step back

  func testSplitStepsBackWhenToIsSlow() {
    make(
      MigrationSetting(mode: .split, percentage: 50),
      thresholds: MigrationThresholds(p99: 50_000_000, window: 10_000_000_000, minimumOperations: 20))
    let observer = RecordingObserver()
    control.setObserver(observer)
    let tickets = (0..<10).map { fixedTicket(user: user(inLowerHalf: true, $0), seed: 1) }
    for t in tickets { create(t) }
    XCTAssertEqual(control.setting.percentage, 50, "fast to: no step back")
    to.latency = 80_000_000
    for _ in 0..<3 {
      for t in tickets { _ = load(t) }
    }
    XCTAssertLessThan(control.setting.percentage, 50, "slow to: stepped back")
    guard case .steppedBack(let old, let new, let reason, _)? = observer.actions.first else {
      return XCTFail("observer told")
    }
    XCTAssertEqual([old.setting.percentage, new.setting.percentage], [50, 25], "first step: 50 → 25")
    XCTAssertEqual(reason, .latency, "reason p99")
    // Fast again: nothing climbs back.
    to.latency = 0
    let settled = control.setting
    for _ in 0..<5 {
      for t in tickets { _ = load(t) }
    }
    XCTAssertEqual(control.setting, settled, "no climb back")
  }
}

extension LoadOutcome {
  var isFound: Bool {
    if case .found = self { return true }
    return false
  }
}
