import Foundation
import XCTest

/// The walk an operator makes, under traffic: two replicas move their sessions from one Redis to
/// another — shadow, the backfill (`gatehouse migrate`, then `--verify`), dual, split 10/50/100,
/// complete — while a client pool keeps logged-in users busy through both replicas (logins at
/// and below the cap, use, rotation every 3 s, logouts). Each change is made on one replica and
/// must be followed by the other (within a second on a quiet machine: the fleet key's 500 ms poll). Nothing may notice: no valid session refused,
/// no login lost, the per-user cap exact, the stores never disagreeing, no step back.
final class SessionMigrationWalkTests: MigrationTestCase {
  func testWalkFromOneRedisToAnotherUnderTraffic() throws {
    let lines = redisToRedis(mode: "off", migration: ["step_back_p99 = \"1s\""])
    let a = try startReplica(lines)
    let b = try startReplica(lines)
    // Sessions that exist before the migration starts: in the from Redis only.
    let users = (0..<24).map { "walker\($0)" }
    let existing = try logIn(a, users: users, perUser: 2)
    XCTAssertEqual(try sessionKeys(toRedis), [], "nothing in the new Redis yet")
    let pool = SessionTrafficPool(ports: [a.port, b.port], cookieName: Self.cookieName, cap: Self.cap)
    pool.start(threads: (0..<4).map { thread in existing.filter { Int($0.key.dropFirst(6))! % 4 == thread } })
    defer { _ = pool.stop() }

    let steps: [(mode: String, percentage: Int?)] = [
      ("shadow", nil), ("dual", nil), ("split", 10), ("split", 50), ("split", 100), ("complete", nil),
    ]
    var follows: [Double] = []
    var mismatchesWhileComparing = 0.0
    for (index, step) in steps.enumerated() {
      let (changer, follower) = index % 2 == 0 ? (a, b) : (b, a)
      if step.mode == "complete" {
        mismatchesWhileComparing =
          metric(a, "gatehouse_migration_mismatches_total")
          + metric(b, "gatehouse_migration_mismatches_total")
      }
      try put(changer, mode: step.mode, percentage: step.percentage)
      let started = Date()
      let followed = waitUntil(timeout: 15, interval: 0.01) {
        guard let seen = self.applied(follower) else { return false }
        return seen.mode == step.mode && (step.percentage == nil || seen.percentage == step.percentage)
      }
      let lag = Date().timeIntervalSince(started)
      follows.append(lag)
      XCTAssertTrue(followed, "\(step): the other replica follows")
      // The fleet key is polled every 500 ms, so a follow takes well under a second (the printed
      // maximum); the bound is loose because a loaded machine delays the poll and our own admin
      // requests, and a replica that stopped polling would never follow at all.
      XCTAssertLessThan(lag, 5.0, "\(step): followed within a few poll intervals")
      XCTAssertEqual(applied(follower)?.source, "fleet", "\(step): the follower took it from the fleet key")
      Thread.sleep(forTimeInterval: 3)
      if step.mode == "shadow" {
        let copy = try GatehouseCommand.run(["migrate", "--config", a.configPath], timeout: 60)
        XCTAssertEqual(copy.status, .exited(0), "gatehouse migrate: \(copy)")
        XCTAssertTrue(copy.stderr.contains("backfill complete"), "summary: \(copy.stderr)")
        let verify = try GatehouseCommand.run(["migrate", "--config", a.configPath, "--verify"], timeout: 60)
        XCTAssertEqual(verify.status, .exited(0), "gatehouse migrate --verify: \(verify.stderr)")
      }
      XCTAssertEqual(pool.snapshot.refused, 0, "after \(step): \(pool.snapshot.failures)")
    }
    let (counts, live) = pool.stop()

    XCTAssertGreaterThan(counts.requests, 500, "the pool was busy: \(counts)")
    XCTAssertGreaterThan(counts.logins, 20, "logins happened: \(counts)")
    XCTAssertGreaterThan(counts.capRefusals, 0, "the cap was reached: \(counts)")
    XCTAssertGreaterThan(counts.rotations, 0, "sessions rotated: \(counts)")
    let refusals = (a.stdoutText + b.stdoutText).split(separator: "\n").filter {
      $0.contains("\"unauthenticated\"")
    }
    XCTAssertEqual(
      counts.refused, 0,
      "no valid session refused: \(counts.failures)\n\(refusals.prefix(10).joined(separator: "\n"))")
    XCTAssertEqual(counts.loginsLost, 0, "no login lost: \(counts.failures)")
    XCTAssertEqual(counts.capExceeded, 0, "the cap held: \(counts.failures)")
    XCTAssertEqual(counts.errors, 0, "no 5xx: \(counts.failures)")
    let mismatches =
      metric(a, "gatehouse_migration_mismatches_total") + metric(b, "gatehouse_migration_mismatches_total")
    let stepBacks =
      metric(a, "gatehouse_migration_step_backs_total") + metric(b, "gatehouse_migration_step_backs_total")
    let fallbacks =
      metric(a, "gatehouse_migration_fallbacks_total") + metric(b, "gatehouse_migration_fallbacks_total")
    let events = (a.stdoutText + b.stdoutText).split(separator: "\n").filter {
      $0.contains("\"event\":\"migration")
    }
    // While replicas compare (dual, split) the stores agree. Switching to complete, a replica that
    // has not followed yet (< 1 s) may still compare sessions that complete writes to `to` only.
    XCTAssertEqual(
      mismatchesWhileComparing, 0, "the stores agreed: \(events.prefix(20).joined(separator: "\n"))")
    XCTAssertEqual(stepBacks, 0, "no step back")

    // The per-user cap is exact: each user has exactly the sessions the pool holds, in the new
    // store, and they all work on both replicas.
    for (user, tickets) in live.sorted(by: { $0.key < $1.key }) {
      let listing = try admin(a, "GET", "/sessions?user=\(user)")
      XCTAssertEqual(
        listing.body.components(separatedBy: "\"hash\"").count - 1, tickets.count, "\(user): \(listing.body)")
      for ticket in tickets {
        XCTAssertTrue(try isAlive(b, ticket, "\(user) after the walk"))
      }
    }
    XCTAssertEqual(try fromRedis.cli(["HGET", "gh:migration", "mode"]), "complete", "fleet key")
    print(
      "MIGRATION WALK: \(counts); mismatches \(Int(mismatchesWhileComparing)) while comparing, "
        + "\(Int(mismatches - mismatchesWhileComparing)) at the switch to complete, fallbacks \(Int(fallbacks)), "
        + "step backs \(Int(stepBacks)), follow lag max \(Int((follows.max() ?? 0) * 1000)) ms")
  }
}
