import Foundation
import XCTest

/// A slowed `to` steps `split` back: the new Redis is paused (SIGSTOP) while a client pool
/// keeps sessions busy; its calls time out, the error rate passes 1 %, the percentage drops to
/// the previous step (logged, counted, published to the fleet key), and it does not climb back
/// once the Redis answers again. Meanwhile no valid session is refused: the users whose reads
/// `to` answered are served by `from`. It starts at 100 % so that every user is one of `to`'s
/// while it is paused (at 50 % with a random session key, the users left to `to` after the step
/// back may all sit in the L1 cache until the Redis answers again).
final class SessionMigrationStepBackTests: MigrationTestCase {
  func testSlowTargetStepsBackAndStaysThere() throws {
    let gatehouse = try startReplica(
      redisToRedis(
        mode: "split",
        migration: [
          "percentage = 100", "step_back_window = \"5s\"", "step_back_min_ops = 20",
          // The timeouts of the paused Redis step it back (error rate); on a loaded machine one
          // slow call among the first few dozen would pass a 50 ms p99 (unit tests cover p99).
          "step_back_p99 = \"1s\"",
        ],
        // Both stores keep the 1 s command timeout: with 300 ms, one slow call of a healthy store
        // on a loaded machine passed the 1 % error rate (a step back before the pause) or lost a
        // login. The paused Redis still fails every call, and its breaker opens after three.
        target: ["breaker_failures = 3", "breaker_cooldown = \"300ms\""]
      ))
    let users = (0..<12).map { "stepper\($0)" }
    let existing = try logIn(gatehouse, users: users, perUser: 1)
    let pool = SessionTrafficPool(ports: [gatehouse.port], cookieName: Self.cookieName, cap: Self.cap)
    pool.start(threads: (0..<3).map { thread in existing.filter { Int($0.key.dropFirst(7))! % 3 == thread } })
    defer { _ = pool.stop() }
    Thread.sleep(forTimeInterval: 1.5)
    XCTAssertEqual(
      applied(gatehouse)?.percentage, 100,
      "a healthy to: no step back: \(gatehouse.stdoutText.split(separator: "\n").filter { $0.contains("migration") })"
    )

    toRedis.pause()
    let steppedBack = waitUntil(timeout: 10, interval: 0.05) {
      (self.applied(gatehouse)?.percentage ?? 100) < 100
    }
    let servedByFrom = waitUntil(timeout: 10, interval: 0.05) {
      self.metric(gatehouse, "gatehouse_migration_fallbacks_total") > 0
    }
    toRedis.resume()
    XCTAssertTrue(steppedBack, "paused to: stepped back within 10 s: \(gatehouse.stdoutText.suffix(2000))")
    guard let after = applied(gatehouse) else { return XCTFail("GET /migration") }
    XCTAssertEqual(after.mode, "split", "still split")
    XCTAssertTrue([50, 25, 10, 0].contains(after.percentage), "a previous step: \(after.percentage)")
    XCTAssertEqual(after.source, "step_back", "source")
    XCTAssertGreaterThanOrEqual(metric(gatehouse, "gatehouse_migration_step_backs_total"), 1, "counted")
    XCTAssertTrue(gatehouse.stdoutText.contains("\"event\":\"migration_step_back\""), "logged")
    XCTAssertTrue(
      waitUntil(timeout: 10) {
        let published = try? self.fromRedis.cli(["HGET", "gh:migration", "percentage"])
        return published != nil && published == self.applied(gatehouse).map { String($0.percentage) }
      }, "published to the fleet key: \((try? self.fromRedis.cli(["HGETALL", "gh:migration"])) ?? "")")

    // Healthy again: it stays where it stepped back to.
    Thread.sleep(forTimeInterval: 3)
    let settled = applied(gatehouse)
    XCTAssertEqual(settled?.mode, "split", "no climb back (mode)")
    XCTAssertLessThanOrEqual(settled?.percentage ?? 100, after.percentage, "no climb back (percentage)")
    let (counts, live) = pool.stop()
    XCTAssertEqual(counts.refused, 0, "no valid session refused while to was paused: \(counts.failures)")
    XCTAssertEqual(counts.loginsLost, 0, "no login lost: \(counts.failures)")
    XCTAssertTrue(servedByFrom, "from served to's users while to was paused")
    // The logouts, revocations and evictions the paused Redis missed reach it once it answers:
    // every user's sessions are exactly the pool's, whichever store answers for them.
    for (user, tickets) in live.sorted(by: { $0.key < $1.key }) {
      var listed = -1
      let exact = waitUntil(timeout: 10) {
        let listing = try? self.admin(gatehouse, "GET", "/sessions?user=\(user)")
        listed = (listing?.body.components(separatedBy: "\"hash\"").count ?? 0) - 1
        return listed == tickets.count
      }
      XCTAssertTrue(exact, "\(user): \(listed) sessions listed, \(tickets.count) live")
    }
    XCTAssertTrue(
      waitUntil(timeout: 10) { self.metric(gatehouse, "gatehouse_migration_owed_deletions") == 0 },
      "every owed deletion delivered")
    print("MIGRATION STEP BACK: 100 → \(after.percentage); \(counts)")
  }
}
