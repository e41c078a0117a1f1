import Sessions
import XCTest

/// `SessionBackfill` and `BackfillVerification` over memory stores: pages, the rate limit on a
/// fake clock, resuming from a checkpoint, idempotence, verification.
final class SessionBackfillTests: XCTestCase {
  /// `users` users with `perUser` sessions each, expiring an hour after t0.
  func populated(users: Int, perUser: Int) -> MemorySessionStore {
    let store = MemorySessionStore()
    let conformance = SessionStoreConformance(
      makeStore: { store }, waitUntil: { _ in }, usesInjectedTime: true)
    for u in 0..<users {
      for s in 0..<perUser {
        let ticket = fixedTicket(user: "user\(u)", seed: UInt8(s + 1))
        store.create(
          conformance.session(ticket, expiresAt: t0 + hour), userKey: ticket.userKey,
          limits: SessionLimits(maxPerUser: 0, onLimit: .evictOldest), now: t0
        ) { XCTAssertEqual(try? $0.get(), .created(evicted: []), "populate user\(u) #\(s)") }
      }
    }
    return store
  }

  func backfill(
    _ source: MemorySessionStore, _ target: MemorySessionStore, checkpoint: MemoryCheckpoint? = nil,
    options: SessionBackfill.Options = .init(pageSize: 3), clock: FakeClock = FakeClock(),
    sleeps: Recorder<UInt64> = Recorder()
  ) -> (result: Result<BackfillProgress, SessionError>?, reports: [BackfillProgress]) {
    let backfill = SessionBackfill(
      source: source, target: target, checkpoint: checkpoint, sourceName: "memory", options: options,
      clock: clock.read,
      sleep: { delay, resume in
        sleeps.values.append(delay)
        clock.advance(by: delay)
        resume()
      })
    var reports: [BackfillProgress] = []
    backfill.onProgress = { reports.append($0) }
    var result: Result<BackfillProgress, SessionError>?
    backfill.run { result = $0 }
    return (result, reports)
  }

  func testCopiesEverySessionAndASecondRunCopiesNothing() throws {
    let source = populated(users: 10, perUser: 2)
    let target = MemorySessionStore()
    let first = try XCTUnwrap(try backfill(source, target).result?.get(), "first run finishes")
    XCTAssertEqual(
      [first.users, first.sessions, first.copied, first.present], [10, 20, 20, 0], "first run copies all")
    XCTAssertTrue(first.finished, "first run finished")
    XCTAssertEqual(first.pages, 4, "10 users in pages of 3")
    XCTAssertEqual(target.entryCount, 20, "target holds every session")
    let second = try XCTUnwrap(try backfill(source, target).result?.get(), "second run finishes")
    XCTAssertEqual(
      [second.sessions, second.copied, second.present], [20, 0, 20], "second run copies nothing")
    // What was copied is what was there: sealed bytes and summaries, deadlines kept.
    let ticket = fixedTicket(user: "user3", seed: 2)
    var inSource: LoadOutcome?
    var inTarget: LoadOutcome?
    source.load(storeKey: ticket.storeKey, now: t0) { inSource = try? $0.get() }
    target.load(storeKey: ticket.storeKey, now: t0) { inTarget = try? $0.get() }
    XCTAssertNotNil(inSource, "source has it")
    XCTAssertEqual(inTarget, inSource, "a copy is the same StoredSession")
  }

  func testRateLimitPacesThePages() throws {
    let source = populated(users: 9, perUser: 2)
    let sleeps = Recorder<UInt64>()
    let clock = FakeClock()
    let progress = try XCTUnwrap(
      try backfill(
        source, MemorySessionStore(), options: .init(pageSize: 3, rate: 12), clock: clock, sleeps: sleeps
      ).result?.get())
    XCTAssertEqual(progress.sessions, 18, "all copied")
    // 18 sessions at 12/s: each page of 6 is followed by 0.5 s before the next export.
    XCTAssertEqual(sleeps.values, [500_000_000, 500_000_000], "waits between pages")
    XCTAssertEqual(progress.elapsed, 1_000_000_000, "1 s of fake time")
  }

  func testResumesFromTheCheckpointAfterAFailure() throws {
    let source = populated(users: 7, perUser: 1)
    let target = ControlledStore()
    target.failImportOnCall = 5
    let checkpoint = MemoryCheckpoint()
    let interrupted = SessionBackfill(
      source: source, target: target, checkpoint: checkpoint, sourceName: "memory",
      options: .init(pageSize: 2), clock: FakeClock().read, sleep: { _, resume in resume() })
    var result: Result<BackfillProgress, SessionError>?
    interrupted.run { result = $0 }
    guard case .failure(let error)? = result else {
      return XCTFail("the 5th import fails the run: \(String(describing: result))")
    }
    XCTAssertEqual(error.kind, .storeUnavailable, "failure kind")
    XCTAssertNotNil(checkpoint.cursor, "the last complete page is saved")
    let saved = checkpoint.cursor
    // Second run resumes after the two complete pages (4 users) and finishes.
    target.failImportOnCall = 0
    let resumed = SessionBackfill(
      source: source, target: target, checkpoint: checkpoint, sourceName: "memory",
      options: .init(pageSize: 2), clock: FakeClock().read, sleep: { _, resume in resume() })
    var second: Result<BackfillProgress, SessionError>?
    resumed.run { second = $0 }
    let progress = try XCTUnwrap(try second?.get(), "resumed run finishes")
    XCTAssertTrue(progress.resumed, "resumed from \(String(describing: saved))")
    XCTAssertEqual(progress.users, 3, "only the users after the checkpoint")
    XCTAssertNil(checkpoint.cursor, "a finished run clears the checkpoint")
    XCTAssertEqual(target.inner.entryCount, 7, "every session copied once across both runs")
    // A checkpoint saved for another source is ignored.
    checkpoint.cursor = "u:{zz}"
    checkpoint.source = "elsewhere"
    let fresh = try XCTUnwrap(
      try backfill(source, MemorySessionStore(), checkpoint: checkpoint).result?.get())
    XCTAssertFalse(fresh.resumed, "another source's cursor is not used")
    XCTAssertEqual(fresh.users, 7, "starts from the beginning")
  }

  /// A session logged out after its export and before its import must not live on in the
  /// target: the copy is checked against the source and withdrawn.
  func testACopyOfASessionGoneMeanwhileIsWithdrawn() throws {
    let source = ControlledStore()
    let gone = fixedTicket(user: "leaver", seed: 1)
    let staying = fixedTicket(user: "leaver", seed: 2)
    for ticket in [gone, staying] {
      source.inner.create(
        SessionStoreConformance(makeStore: { source }, waitUntil: { _ in }, usesInjectedTime: true)
          .session(ticket, expiresAt: t0 + hour),
        userKey: ticket.userKey, limits: SessionLimits(maxPerUser: 0, onLimit: .evictOldest), now: t0
      ) { _ in }
    }
    // The logout lands in the source right after the export.
    source.afterExport = { source.inner.destroy(storeKey: gone.storeKey, userKey: gone.userKey) { _ in } }
    let target = ControlledStore()
    let backfill = SessionBackfill(
      source: source, target: target, checkpoint: nil, sourceName: "memory", options: .init(pageSize: 10),
      clock: FakeClock().read, sleep: { _, resume in resume() })
    var result: Result<BackfillProgress, SessionError>?
    backfill.run { result = $0 }
    let progress = try XCTUnwrap(try result?.get())
    XCTAssertEqual([progress.sessions, progress.copied, progress.withdrawn], [2, 1, 1], progress.summary)
    XCTAssertEqual(target.peek(gone.storeKey), .notFound, "the logged-out session is not in the target")
    XCTAssertNotEqual(target.peek(staying.storeKey), .notFound, "the other one is")
  }

  func testVerification() throws {
    let source = populated(users: 6, perUser: 2)
    let target = MemorySessionStore()
    _ = backfill(source, target)
    var report: BackfillVerification.Report?
    BackfillVerification(source: source, target: target, sampleSize: 5, pageSize: 2, clock: FakeClock())
      .run { report = try? $0.get() }
    XCTAssertEqual(report?.fromSessions, 12, "counted from")
    XCTAssertEqual(report?.toSessions, 12, "counted to")
    XCTAssertEqual(report?.sampled, 5, "sampled")
    XCTAssertEqual(report?.passed, true, "complete copy passes: \(report?.summary ?? "")")
    // A session missing in `to` fails a full sample.
    let missing = fixedTicket(user: "user2", seed: 1)
    target.destroy(storeKey: missing.storeKey, userKey: missing.userKey) { _ in }
    BackfillVerification(source: source, target: target, sampleSize: 100, pageSize: 2, clock: FakeClock())
      .run { report = try? $0.get() }
    XCTAssertEqual(report?.missing, 1, "the destroyed copy is missing")
    XCTAssertEqual(report?.toSessions, 11, "one fewer in to")
    XCTAssertEqual(report?.passed, false, "verdict: \(report?.summary ?? "")")
  }

  /// A logout reaching both stores between verify's read of `from` and its read of `to` is not a
  /// missing copy: `from` no longer answers the same, so the session is left out.
  func testVerificationLeavesOutWhatChangedBetweenTheReads() throws {
    let source = ControlledStore()
    let target = ControlledStore()
    let leaving = fixedTicket(user: "leaver", seed: 1)
    let staying = fixedTicket(user: "leaver", seed: 2)
    for ticket in [leaving, staying] {
      let session = SessionStoreConformance(
        makeStore: { source }, waitUntil: { _ in }, usesInjectedTime: true
      )
      .session(ticket, expiresAt: t0 + hour)
      for store in [source.inner, target.inner] {
        store.create(
          session, userKey: ticket.userKey, limits: SessionLimits(maxPerUser: 0, onLimit: .evictOldest),
          now: t0
        ) { _ in }
      }
    }
    var loggedOut = false
    source.beforeLoadAnswer = { key in
      guard key == leaving.storeKey, !loggedOut else { return }
      loggedOut = true
      for store in [source.inner, target.inner] {
        store.destroy(storeKey: leaving.storeKey, userKey: leaving.userKey) { _ in }
      }
    }
    var report: BackfillVerification.Report?
    BackfillVerification(source: source, target: target, sampleSize: 10, pageSize: 10, clock: FakeClock())
      .run { report = try? $0.get() }
    XCTAssertEqual(report?.missing, 0, "not counted as missing: \(report?.summary ?? "")")
    XCTAssertEqual(report?.passed, true, "passes")
    XCTAssertTrue(loggedOut, "the logout landed during the check")
  }

  func testRateLimiterTable() {
    let cases: [(name: String, rate: Int, calls: [(count: Int, now: UInt64)], waits: [UInt64])] = [
      ("unlimited", 0, [(100, 0), (100, 0)], [0, 0]),
      (
        "waited as told", 10, [(10, 0), (10, 1_000_000_000), (5, 2_000_000_000)],
        [1_000_000_000, 1_000_000_000, 500_000_000]
      ),
      ("called early: the debt adds up", 10, [(10, 0), (10, 0)], [1_000_000_000, 2_000_000_000]),
      ("time already passed", 10, [(10, 0), (10, 3_000_000_000)], [1_000_000_000, 1_000_000_000]),
      ("partly passed", 4, [(2, 0), (2, 200_000_000)], [500_000_000, 800_000_000]),
      ("empty batch: only what is still owed", 1, [(1, 0), (0, 400_000_000)], [1_000_000_000, 600_000_000]),
    ]
    for c in cases {
      var limiter = BackfillRateLimiter(perSecond: c.rate)
      XCTAssertEqual(c.calls.map { limiter.reserve($0.count, now: $0.now) }, c.waits, c.name)
    }
  }

  func testProgressFormatting() {
    var progress = BackfillProgress()
    progress.users = 5
    progress.sessions = 10
    progress.copied = 8
    progress.present = 2
    progress.elapsed = 2_000_000_000
    XCTAssertEqual(progress.line, "users 5 · sessions 10 (copied 8, already there 2) · 5/s")
    XCTAssertEqual(
      progress.bar(expectedUsers: 10, width: 10),
      "[#####.....]  50% users 5 · sessions 10 (copied 8, already there 2) · 5/s")
    XCTAssertTrue(
      progress.bar(expectedUsers: 5, width: 10).hasPrefix("[#########.]  99%"), "not done: at most 99 %")
    progress.finished = true
    XCTAssertTrue(progress.bar(expectedUsers: 0, width: 10).hasPrefix("[##########] 100%"), "done")
    XCTAssertEqual(
      progress.summary, "backfill complete: 5 users, 10 sessions, copied 8, already there 2, in 2.0 s")
  }
}

/// Collects values in order. Test-thread only.
final class Recorder<T> {
  var values: [T] = []
}

/// A checkpoint in memory. Synchronous.
final class MemoryCheckpoint: BackfillCheckpoint {
  var cursor: String?
  var source: String?

  func load(source: String, completion: @escaping (Result<String?, SessionError>) -> Void) {
    completion(.success(self.source == source ? cursor : nil))
  }

  func save(cursor: String, source: String, completion: @escaping (Result<Void, SessionError>) -> Void) {
    self.cursor = cursor
    self.source = source
    completion(.success(()))
  }

  func clear(completion: @escaping (Result<Void, SessionError>) -> Void) {
    cursor = nil
    source = nil
    completion(.success(()))
  }
}
