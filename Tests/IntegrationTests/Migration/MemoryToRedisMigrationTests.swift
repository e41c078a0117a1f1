import Foundation
import XCTest

/// Memory → Redis in one process: sessions created in the memory store survive every switch —
/// shadow, dual, split 50 (through the admin API) and complete (through SIGHUP after editing the
/// file) — and end up in Redis; a logout during the drain is final (the memory copy does not
/// bring it back).
final class MemoryToRedisMigrationTests: MigrationTestCase {
  /// Without the L1 cache every request reads the store, so a read copies what Redis lacks.
  private func lines(mode: String) -> [String] {
    [
      "[session.cache]", "enabled = false", "[session.migration]", "mode = \"\(mode)\"",
      "drain_window = \"10m\"",
      "[redis]", "address = \"127.0.0.1:\(toRedis.port)\"",
    ]
  }

  func testSessionsSurviveEverySwitch() throws {
    let gatehouse = try startReplica(lines(mode: "off"))
    let users = (0..<10).map { "settler\($0)" }
    let tickets = try logIn(gatehouse, users: users, perUser: 2)
    func allAlive(_ phase: String) throws {
      for (user, userTickets) in tickets {
        for ticket in userTickets { XCTAssertTrue(try isAlive(gatehouse, ticket, "\(user) in \(phase)")) }
      }
    }
    try allAlive("off")
    XCTAssertEqual(try sessionKeys(toRedis), [], "off: nothing in Redis")
    for (mode, percentage) in [("shadow", nil), ("dual", nil), ("split", 50)] as [(String, Int?)] {
      try put(gatehouse, mode: mode, percentage: percentage)
      try allAlive(percentage.map { "\(mode) \($0)" } ?? mode)
    }
    // Reads in shadow copied every session to Redis.
    XCTAssertEqual(
      try toRedis.cli(["--scan", "--pattern", "gh:s:*"]).split(separator: "\n").count, 20, "all 20 in Redis")

    // SIGHUP with the file edited to complete: applied, and said where it came from.
    try gatehouse.rewriteConfig(sessionConfig(session: lines(mode: "complete")))
    gatehouse.signal(SIGHUP)
    XCTAssertTrue(
      waitUntil(timeout: 5) { self.applied(gatehouse)?.mode == "complete" },
      "SIGHUP applied: \(gatehouse.logs)")
    XCTAssertEqual(applied(gatehouse)?.source, "reload", "source reload")
    try allAlive("complete")

    // A logout during the drain: gone from both stores, so the memory copy cannot revive it.
    let leaving = tickets["settler0"]![0]
    let (logout, _) = try request(gatehouse, "GET", "/logout-this", ticket: leaving)
    XCTAssertEqual(logout.status, 200, "logout: \(logout)")
    XCTAssertFalse(try isAlive(gatehouse, leaving, "logged out in complete"))
    // A login in complete lives in Redis.
    let fresh = try login(gatehouse, "newcomer")
    XCTAssertTrue(try isAlive(gatehouse, fresh.ticket, "login in complete"))
    XCTAssertEqual(
      try toRedis.cli(["--scan", "--pattern", "gh:s:*"]).split(separator: "\n").count, 20, "19 + 1 in Redis")
  }

  func testAdminEndpointRefusesBadChanges() throws {
    let gatehouse = try startReplica(lines(mode: "shadow"))
    let cases: [(body: String, status: Int, contains: String)] = [
      ("{\"mode\":\"sideways\"}", 400, "unknown mode"),
      ("{\"mode\":\"split\",\"percentage\":150}", 400, "percentage must be an integer from 0 to 100"),
      ("{\"mode\":\"split\",\"percentage\":\"10\"}", 400, "percentage must be an integer"),
      ("{\"mode\":\"dual\",\"extra\":1}", 400, "unknown member"),
      ("not json", 400, "expected a JSON object"),
      ("{\"percentage\":10}", 400, "mode is required"),
    ]
    for c in cases {
      let answer = try adminRequest(gatehouse, "PUT", "/migration", body: c.body)
      XCTAssertEqual(answer.status, c.status, "\(c.body): \(answer.body)")
      XCTAssertTrue(answer.body.contains(c.contains), "\(c.body): \(answer.body)")
    }
    XCTAssertEqual(applied(gatehouse)?.mode, "shadow", "nothing changed")
    // A body that arrives after its head is waited for (the admin listener reads it whole).
    let client = try RawClient(port: gatehouse.adminPort)
    defer { client.close() }
    let body = "{\"mode\":\"dual\"}"
    try client.send("PUT /migration HTTP/1.1\r\nHost: a\r\nContent-Length: \(body.utf8.count)\r\n\r\n")
    Thread.sleep(forTimeInterval: 0.05)  // nothing to poll: the server must not answer before the body
    try client.send(body)
    let split = try client.readResponse()
    XCTAssertEqual(split.status, 200, "PUT in two segments: \(split)")
    XCTAssertEqual(applied(gatehouse)?.mode, "dual", "applied")
    XCTAssertEqual(try adminRequest(gatehouse, "DELETE", "/migration").status, 405, "DELETE")
    XCTAssertEqual(
      try adminRequest(gatehouse, "POST", "/metrics", body: "x").status, 400, "other bodies refused")
  }
}
