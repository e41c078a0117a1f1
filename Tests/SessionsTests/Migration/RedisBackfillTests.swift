import EventLoop
import Foundation
import XCTest

@testable import Sessions

/// The backfill between two real `redis-server` processes: every live session copied with its
/// remaining lifetime and index entry, a second run copies nothing, an interrupted run resumes
/// from the checkpoint in `to`, expired and forwarding entries are not copied, and the
/// verification passes (and notices a missing copy).
final class RedisBackfillTests: RedisTestCase {
  private func store(_ connection: Unchecked<RedisConnection>, prefix: String = "gh:") -> Unchecked<
    RedisSessionStore
  > {
    harness.sync { Unchecked(RedisSessionStore(connection: connection.value, keyPrefix: prefix)) }
  }

  private func session(_ ticket: SessionTicket, ttl: Int64) -> StoredSession {
    let record = SessionRecord(
      userID: "u", created: t0, lastAccess: t0, absoluteDeadline: t0 + ttl, lastRotation: t0,
      binding: SessionBinding(), csrfSecret: [UInt8](repeating: 3, count: 32))
    return StoredSession(
      sealed: try! record.sealed(for: ticket),
      summary: SessionSummary(
        storeKey: ticket.storeKey, hash: ticket.hashForLogs, created: t0, lastAccess: t0, expiresAt: t0 + ttl,
        ipPrefix: "", userAgent: "UA"))
  }

  private func run(
    _ from: Unchecked<RedisSessionStore>, _ to: Unchecked<RedisSessionStore>, checkpoint: Bool = true,
    pageSize: Int = 7, restart: Bool = false
  ) -> Result<BackfillProgress, SessionError>? {
    let loop = harness.loop
    return harness.await(30) { done in
      let backfill = SessionBackfill(
        source: from.value, target: to.value,
        checkpoint: checkpoint
          ? RedisBackfillCheckpoint(transport: to.value.transport, keyPrefix: "gh:") : nil,
        sourceName: "from", options: .init(pageSize: pageSize, restart: restart), clock: SystemClock(),
        sleep: { delay, resume in loop.schedule(at: loop.now &+ delay, resume) })
      backfill.run(completion: done)
    }
  }

  func testCopiesLiveSessionsOnceAndVerifies() throws {
    let fromServer = try startServer()
    let toServer = try startServer()
    let fromConnection = connection(port: fromServer.port)
    let toConnection = connection(port: toServer.port)
    waitReady(fromConnection, "from")
    waitReady(toConnection, "to")
    let from = store(fromConnection)
    let to = store(toConnection)
    let unlimited = SessionLimits(maxPerUser: 0, onLimit: .evictOldest)
    // 30 users × 2 sessions with an hour to live, one rotated away (forwarding only), and one
    // session that is about to expire.
    for u in 0..<30 {
      for s: UInt8 in 1...2 {
        let ticket = fixedTicket(user: "user\(u)", seed: s)
        let created = harness.await(15) { done in
          from.value.create(
            self.session(ticket, ttl: hour), userKey: ticket.userKey, limits: unlimited, now: t0,
            completion: done)
        }
        XCTAssertEqual(try created?.get(), .created(evicted: []), "create user\(u) #\(s)")
      }
    }
    let old = fixedTicket(user: "user0", seed: 1)
    let successor = fixedTicket(user: "user0", seed: 9)
    let rotated = harness.await(15) { done in
      from.value.rotate(
        userKey: old.userKey, oldKey: old.storeKey, newSession: self.session(successor, ttl: hour),
        forward: try! SealedRecord.forwarding(to: successor, from: old), grace: 10 * second, now: t0,
        completion: done)
    }
    XCTAssertEqual(try rotated?.get(), .rotated, "rotation in from")
    let dying = fixedTicket(user: "user31", seed: 1)
    _ = harness.await(15) { done in
      from.value.create(
        self.session(dying, ttl: 50_000_000), userKey: dying.userKey, limits: unlimited, now: t0,
        completion: done)
    }
    usleep(150_000)

    let firstRun = try XCTUnwrap(try run(from, to)?.get(), "first run")
    XCTAssertEqual(
      [firstRun.users, firstRun.sessions, firstRun.copied], [30, 60, 60],
      "live sessions copied: \(firstRun.summary)")
    XCTAssertTrue(firstRun.finished, "finished")
    XCTAssertEqual(
      try toServer.cli(["--scan", "--pattern", "gh:s:*"]).split(separator: "\n").count, 60,
      "60 session keys in to (no forwarding, nothing expired)")
    XCTAssertEqual(
      try toServer.cli(["EXISTS", "gh:\(old.storeKey)"]), "0", "the forwarding record is not copied")
    XCTAssertEqual(
      try toServer.cli(["EXISTS", "gh:migration:backfill"]), "0", "a finished run clears its checkpoint")
    // Remaining lifetime and index score travel with the session.
    let ttl = Int(try toServer.cli(["PTTL", "gh:\(successor.storeKey)"])) ?? -1
    XCTAssertGreaterThan(ttl, 3_500_000, "PTTL in to close to an hour: \(ttl)")
    XCTAssertLessThanOrEqual(ttl, 3_600_000, "PTTL in to at most an hour: \(ttl)")
    XCTAssertEqual(
      try toServer.cli(["ZCARD", "gh:\(successor.userKey)"]), "2", "user0's index in to: successor + seed 2")
    let original = harness.await(15) { done in
      from.value.load(storeKey: successor.storeKey, now: t0, completion: done)
    }
    let copied = harness.await(15) { done in
      to.value.load(storeKey: successor.storeKey, now: t0, completion: done)
    }
    XCTAssertNotEqual(try original?.get(), .notFound, "from has the successor")
    XCTAssertEqual(try copied?.get(), try original?.get(), "the copy loads, byte for byte")

    let secondRun = try XCTUnwrap(try run(from, to)?.get(), "second run")
    XCTAssertEqual(
      [secondRun.sessions, secondRun.copied, secondRun.present], [60, 0, 60], "second run copies nothing")

    var report = harness.await(30) { done in
      BackfillVerification(
        source: from.value, target: to.value, sampleSize: 20, pageSize: 7, clock: FakeClock()
      )
      .run(completion: done)
    }
    XCTAssertEqual(try report?.get().passed, true, "verified: \(String(describing: report))")
    XCTAssertEqual(try report?.get().fromSessions, 60, "from count")
    XCTAssertEqual(try report?.get().toSessions, 60, "to count")
    try toServer.cli(["DEL", "gh:\(successor.storeKey)"])
    report = harness.await(30) { done in
      BackfillVerification(
        source: from.value, target: to.value, sampleSize: 100, pageSize: 7, clock: FakeClock()
      ).run(completion: done)
    }
    XCTAssertEqual(
      try report?.get().missing, 1, "a deleted copy is found missing: \(String(describing: report))")
  }

  func testResumesFromTheCheckpointInTo() throws {
    let fromServer = try startServer()
    let toServer = try startServer()
    let fromConnection = connection(port: fromServer.port)
    let toConnection = connection(port: toServer.port)
    waitReady(fromConnection, "from")
    waitReady(toConnection, "to")
    let from = store(fromConnection)
    let to = store(toConnection)
    for u in 0..<40 {
      let ticket = fixedTicket(user: "resume\(u)", seed: 1)
      _ = harness.await(15) { done in
        from.value.create(
          self.session(ticket, ttl: hour), userKey: ticket.userKey,
          limits: SessionLimits(maxPerUser: 0, onLimit: .evictOldest), now: t0, completion: done)
      }
    }
    // A cursor saved by an earlier run for this source: the next run starts there.
    let page = harness.await(15) { done in
      from.value.exportSessions(from: "0", count: 10, now: t0, completion: done)
    }
    let cursor = try XCTUnwrap(try page?.get().cursor)
    XCTAssertNotEqual(cursor, "0", "40 users take more than one SCAN page of 10")
    try toServer.cli(["HSET", "gh:migration:backfill", "cursor", cursor, "source", "from"])
    let resumed = try XCTUnwrap(try run(from, to, pageSize: 10)?.get())
    XCTAssertTrue(resumed.resumed, "resumed")
    XCTAssertLessThan(resumed.users, 40, "skipped what the first page covered: \(resumed.summary)")
    // --restart ignores the (now cleared) checkpoint and copies the rest.
    try toServer.cli(["HSET", "gh:migration:backfill", "cursor", cursor, "source", "from"])
    let restarted = try XCTUnwrap(try run(from, to, pageSize: 10, restart: true)?.get())
    XCTAssertFalse(restarted.resumed, "restart does not resume")
    XCTAssertEqual(restarted.users, 40, "every user seen")
    XCTAssertEqual(restarted.copied + resumed.copied, 40, "each session copied exactly once over both runs")
  }
}
