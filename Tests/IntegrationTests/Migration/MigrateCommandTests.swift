import Foundation
import XCTest

/// `gatehouse migrate` between two real Redis servers: it copies every live session (N, with
/// their remaining lifetime), a second run copies nothing, `--verify` passes and then notices a
/// missing copy, and a configuration it cannot serve is refused with a clear message.
final class MigrateCommandTests: MigrationTestCase {
  func testCopiesNSessionsOnceAndVerifies() throws {
    let gatehouse = try startReplica(redisToRedis(mode: "off"))
    let users = (0..<15).map { "mover\($0)" }
    let tickets = try logIn(gatehouse, users: users, perUser: 2)
    XCTAssertEqual(try sessionKeys(toRedis), [], "nothing in to before")

    let first = try GatehouseCommand.run(
      ["migrate", "--config", gatehouse.configPath, "--rate", "1000"], timeout: 60)
    XCTAssertEqual(first.status, .exited(0), "first run: \(first)")
    XCTAssertTrue(
      first.stderr.contains("backfill complete: 15 users, 30 sessions, copied 30, already there 0"),
      "first run copies 30: \(first.stderr)")
    XCTAssertEqual(
      try toRedis.cli(["--scan", "--pattern", "gh:s:*"]).split(separator: "\n").count, 30, "30 sessions in to"
    )
    let second = try GatehouseCommand.run(["migrate", "--config", gatehouse.configPath], timeout: 60)
    XCTAssertEqual(second.status, .exited(0), "second run: \(second)")
    XCTAssertTrue(
      second.stderr.contains("copied 0, already there 30"), "second run copies nothing: \(second.stderr)")

    let verify = try GatehouseCommand.run(
      ["migrate", "--config", gatehouse.configPath, "--verify"], timeout: 60)
    XCTAssertEqual(verify.status, .exited(0), "verify: \(verify)")
    XCTAssertTrue(verify.stderr.contains("from 30 sessions, to 30"), "counts: \(verify.stderr)")

    // The copies work: with to answering every user, every session is still alive.
    try put(gatehouse, mode: "split", percentage: 100)
    for (user, userTickets) in tickets {
      for ticket in userTickets { XCTAssertTrue(try isAlive(gatehouse, ticket, "\(user) read from to")) }
    }
    // A copy lost in to is noticed.
    let victim = try toRedis.cli(["--scan", "--pattern", "gh:s:*"]).split(separator: "\n").first.map(
      String.init)
    try toRedis.cli(["DEL", try XCTUnwrap(victim)])
    let broken = try GatehouseCommand.run(
      ["migrate", "--config", gatehouse.configPath, "--verify", "--sample", "1000"], timeout: 60)
    XCTAssertEqual(broken.status, .exited(1), "verify fails: \(broken)")
    XCTAssertTrue(broken.stderr.contains("1 missing"), "names the missing copy: \(broken.stderr)")
  }

  /// Rolling back after complete: the admin API refuses to let `from` answer again at once;
  /// through split 100 and `gatehouse migrate --reverse`, the sessions created in complete are
  /// copied back and survive the step down to split 50.
  func testRollingBackFromComplete() throws {
    let gatehouse = try startReplica(redisToRedis(mode: "complete"))
    let tickets = try logIn(gatehouse, users: (0..<10).map { "returner\($0)" }, perUser: 1)
    XCTAssertEqual(try fromRedis.cli(["--scan", "--pattern", "gh:s:*"]), "", "complete: nothing in from")
    let refused = try adminRequest(gatehouse, "PUT", "/migration", body: "{\"mode\":\"dual\"}")
    XCTAssertEqual(refused.status, 409, "complete → dual refused: \(refused.body)")
    XCTAssertTrue(refused.body.contains("gatehouse migrate --reverse"), "says how: \(refused.body)")
    XCTAssertEqual(applied(gatehouse)?.mode, "complete", "nothing changed")
    try put(gatehouse, mode: "split", percentage: 100)
    let back = try GatehouseCommand.run(
      ["migrate", "--config", gatehouse.configPath, "--reverse"], timeout: 60)
    XCTAssertEqual(back.status, .exited(0), "reverse: \(back)")
    XCTAssertTrue(back.stderr.contains("copied 10"), "copied back: \(back.stderr)")
    XCTAssertEqual(
      try fromRedis.cli(["--scan", "--pattern", "gh:s:*"]).split(separator: "\n").count, 10,
      "10 in from again")
    try put(gatehouse, mode: "split", percentage: 50)
    for (user, userTickets) in tickets {
      XCTAssertTrue(try isAlive(gatehouse, userTickets[0], "\(user) after the step down"))
    }
  }

  /// The same Redis under a new key prefix: the backfill copies into `v2:` beside `gh:`, a
  /// second run copies nothing, and the copies answer once the new prefix answers every user.
  func testSameRedisNewKeyPrefix() throws {
    let lines = redisToRedis(mode: "shadow", target: ["key_prefix = \"v2:\""]).map {
      $0 == "address = \"127.0.0.1:\(toRedis.port)\"" ? "address = \"127.0.0.1:\(fromRedis.port)\"" : $0
    }
    let gatehouse = try startReplica(lines)
    let tickets = try logIn(gatehouse, users: (0..<10).map { "renamer\($0)" }, perUser: 1)
    // Logins in shadow are mirrored already; remove the copies so the backfill has work to do.
    for key in try fromRedis.cli(["--scan", "--pattern", "v2:*"]).split(separator: "\n") {
      try fromRedis.cli(["DEL", String(key)])
    }
    let first = try GatehouseCommand.run(["migrate", "--config", gatehouse.configPath], timeout: 60)
    XCTAssertEqual(first.status, .exited(0), "first run: \(first)")
    XCTAssertTrue(first.stderr.contains("copied 10, already there 0"), "copies 10: \(first.stderr)")
    let second = try GatehouseCommand.run(["migrate", "--config", gatehouse.configPath], timeout: 60)
    XCTAssertTrue(second.stderr.contains("copied 0, already there 10"), "then nothing: \(second.stderr)")
    XCTAssertEqual(
      try fromRedis.cli(["--scan", "--pattern", "v2:s:*"]).split(separator: "\n").count, 10, "10 under v2:")
    for mode in ["split", "complete"] {
      try put(gatehouse, mode: mode, percentage: mode == "split" ? 100 : nil)
      for (user, userTickets) in tickets {
        XCTAssertTrue(try isAlive(gatehouse, userTickets[0], "\(user) in \(mode)"))
      }
    }
  }

  func testRefusesWhatItCannotCopy() throws {
    let directory = try TemporaryDirectory(prefix: "migrate-config")
    defer { directory.remove() }
    let cases: [(name: String, session: String, expected: String)] = [
      (
        "no migration", "store = \"redis\"\n[redis]\naddress = \"127.0.0.1:\(fromRedis.port)\"",
        "no [session.migration]"
      ),
      (
        "memory from",
        "[session.migration]\nmode = \"shadow\"\n[redis]\naddress = \"127.0.0.1:\(toRedis.port)\"",
        "from is the memory store"
      ),
    ]
    for c in cases {
      let path = directory.path("\(c.name.replacingOccurrences(of: " ", with: "-")).conf")
      try """
      [server]
      listen = "127.0.0.1:0"
      [upstream]
      address = "127.0.0.1:9"
      [session]
      keys = ["\(Self.sessionKey)"]
      \(c.session)
      """.write(toFile: path, atomically: true, encoding: .utf8)
      let result = try GatehouseCommand.run(["migrate", "--config", path], timeout: 30)
      XCTAssertEqual(result.status, .exited(2), "\(c.name): \(result)")
      XCTAssertTrue(result.stderr.contains(c.expected), "\(c.name): \(result.stderr)")
    }
  }
}
