import Foundation
import XCTest

/// SIGHUP and the fleet (docs/migration.md §3): a file edited to a new mode on one replica is
/// applied there (`source: reload`), published to the fleet key and followed by the other replica
/// (`source: fleet`); a reload whose file did not change the setting leaves a newer admin change
/// alone; an edit that would leave `complete` for a mode where `from` answers is refused.
final class MigrationReloadTests: MigrationTestCase {
  func testReloadPublishesToTheFleetAndKeepsNewerChanges() throws {
    let a = try startReplica(redisToRedis(mode: "off"))
    let b = try startReplica(redisToRedis(mode: "off"))

    try a.rewriteConfig(sessionConfig(session: redisToRedis(mode: "shadow")))
    a.signal(SIGHUP)
    XCTAssertTrue(waitUntil(timeout: 5) { self.applied(a)?.mode == "shadow" }, "SIGHUP applied: \(a.logs)")
    XCTAssertEqual(applied(a)?.source, "reload", "source on the reloaded replica")
    XCTAssertTrue(waitUntil(timeout: 10) { self.applied(b)?.mode == "shadow" }, "the other replica follows")
    XCTAssertEqual(applied(b)?.source, "fleet", "source on the other replica")
    XCTAssertEqual(try fromRedis.cli(["HGET", "gh:migration", "mode"]), "shadow", "fleet key")

    // A newer change through the admin API; a reload of the unchanged file does not undo it.
    try put(b, mode: "dual")
    XCTAssertTrue(waitUntil(timeout: 10) { self.applied(a)?.mode == "dual" }, "a follows the admin change")
    let reloads = a.stdoutText.components(separatedBy: "configuration reloaded").count
    a.signal(SIGHUP)
    XCTAssertTrue(
      waitUntil(timeout: 5) {
        a.stdoutText.components(separatedBy: "configuration reloaded").count > reloads
      },
      "reloaded again: \(a.logs)")
    XCTAssertEqual(applied(a)?.mode, "dual", "unchanged file: the newer setting stays")
    XCTAssertEqual(applied(b)?.mode, "dual", "and the fleet keeps it")

    // complete, then an edit back to dual: refused (from would refuse complete's sessions).
    try put(a, mode: "complete")
    XCTAssertTrue(waitUntil(timeout: 10) { self.applied(b)?.mode == "complete" }, "b follows complete")
    try b.rewriteConfig(sessionConfig(session: redisToRedis(mode: "dual")))
    b.signal(SIGHUP)
    XCTAssertTrue(
      waitUntil(timeout: 5) { b.stdoutText.contains("migration setting from the reloaded file not applied") },
      "refusal logged: \(b.logs)")
    XCTAssertEqual(applied(b)?.mode, "complete", "still complete")
    XCTAssertEqual(try fromRedis.cli(["HGET", "gh:migration", "mode"]), "complete", "fleet key unchanged")
  }
}
