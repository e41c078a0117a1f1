import Foundation
import XCTest

/// A slowed `to` steps `split` back: the new Redis is paused (SIGSTOP) while a client pool
/// keeps sessions busy; its calls time out, the error rate passes 1 %, the percentage drops to
/// the previous step (logged, counted, published to the fleet key), and it does not climb back
/// once the Redis answers again. Meanwhile no valid session is refused: the users whose reads
/// `to` answered are served by `from`.
final class SessionMigrationStepBackTests: MigrationTestCase {
  func testSlowTargetStepsBackAndStaysThere() throws {
    let gatehouse = try startReplica(
      redisToRedis(
        mode: "split",
        migration: ["percentage = 50", "step_back_window = \"5s\"", "step_back_min_ops = 20"],
        target: ["breaker_failures = 3", "breaker_cooldown = \"300ms\""]
      ).map { $0 == "command_timeout = \"1s\"" ? "command_timeout = \"300ms\"" : $0 })
    let users = (0..<12).map { "stepper\($0)" }
    let existing = try logIn(gatehouse, users: users, perUser: 1)
    let pool = SessionTrafficPool(ports: [gatehouse.port], cookieName: Self.cookieName, cap: Self.cap)
    pool.start(threads: (0..<3).map { thread in existing.filter { Int($0.key.dropFirst(7))! % 3 == thread } })
    defer { _ = pool.stop() }
    Thread.sleep(forTimeInterval: 1.5)
    XCTAssertEqual(applied(gatehouse)?.percentage, 50, "a healthy to: no step back")

    toRedis.pause()
    let steppedBack = waitUntil(timeout: 10, interval: 0.05) {
      (self.applied(gatehouse)?.percentage ?? 50) < 50
    }
    toRedis.resume()
    XCTAssertTrue(steppedBack, "paused to: stepped back within 10 s: \(gatehouse.stdoutText.suffix(2000))")
    guard let after = applied(gatehouse) else { return XCTFail("GET /migration") }
    XCTAssertEqual(after.mode, "split", "still split")
    XCTAssertTrue([25, 10, 0].contains(after.percentage), "a previous step: \(after.percentage)")
    XCTAssertEqual(after.source, "step_back", "source")
    XCTAssertGreaterThanOrEqual(metric(gatehouse, "gatehouse_migration_step_backs_total"), 1, "counted")
    XCTAssertTrue(gatehouse.stdoutText.contains("\"event\":\"migration_step_back\""), "logged")
    XCTAssertTrue(
      waitUntil(timeout: 3) {
        let published = try? self.fromRedis.cli(["HGET", "gh:migration", "percentage"])
        return published != nil && published == self.applied(gatehouse).map { String($0.percentage) }
      }, "published to the fleet key: \((try? self.fromRedis.cli(["HGETALL", "gh:migration"])) ?? "")")

    // Healthy again: it stays where it stepped back to.
    Thread.sleep(forTimeInterval: 3)
    let settled = applied(gatehouse)
    XCTAssertEqual(settled?.mode, "split", "no climb back (mode)")
    XCTAssertLessThanOrEqual(settled?.percentage ?? 100, after.percentage, "no climb back (percentage)")
    let (counts, _) = pool.stop()
    XCTAssertEqual(counts.refused, 0, "no valid session refused while to was paused: \(counts.failures)")
    XCTAssertEqual(counts.loginsLost, 0, "no login lost: \(counts.failures)")
    XCTAssertGreaterThan(
      metric(gatehouse, "gatehouse_migration_fallbacks_total"), 0, "from served to's users")
    print("MIGRATION STEP BACK: 50 → \(after.percentage); \(counts)")
  }
}
