import Foundation
import XCTest

/// The per-user cap across two gatehouse processes sharing one Redis under bursts of concurrent
/// logins: Redis keeps `max_per_user` sessions, and no process may keep serving an evicted one
/// from its L1 cache (a create's or lookup's answer cached after the eviction's invalidation
/// arrived would live for the cache's whole lifetime; docs/redis.md §8).
final class RedisPerUserCapTests: RedisSessionTestCase {
  private static let cap = 3
  private static let logins = 20
  private static let rounds = 50

  private func startReplica() throws -> GatehouseProcess {
    let gatehouse = try startSessionGatehouse(session: [
      "store = \"redis\"", "max_per_user = \(Self.cap)", "[redis]", "address = \"127.0.0.1:\(redis.port)\"",
      // Bursts on a loaded test machine: the cap is under test here, not the outage mode.
      "command_timeout = \"3s\"", "breaker_failures = 1000",
    ])
    XCTAssertTrue(
      waitUntil(timeout: 15) { (try? self.admin(gatehouse, "GET", "/readyz").status) == 200 },
      "replica ready: \(gatehouse.logs)")
    waitForSessionStore(gatehouse)
    return gatehouse
  }

  /// `count` logins of `user` in flight at once, alternating between the processes: every
  /// connection is open and every request sent before the first answer is read.
  private func burst(_ user: String, _ replicas: [GatehouseProcess], count: Int) throws -> [String] {
    let clients = try (0..<count).map { try RawClient(port: replicas[$0 % replicas.count].port) }
    defer { for client in clients { client.close() } }
    for client in clients { try client.send(RawClient.request("GET", "/login-as/\(user)", host: "x")) }
    let prefix = "\(Self.cookieName)="
    return try clients.compactMap { client in
      let response = try client.readResponse()
      return response.headers.values("Set-Cookie").first { $0.hasPrefix(prefix) }.map(cookieValue)
    }
  }

  /// How many of `tickets` at least one replica still accepts.
  private func served(_ tickets: [String], _ replicas: [GatehouseProcess], round: Int) throws -> Int {
    var count = 0
    for ticket in tickets {
      var alive = false
      for replica in replicas where try isAlive(replica, ticket, "round \(round)") { alive = true }
      if alive { count += 1 }
    }
    return count
  }

  func testCapHoldsAfterConcurrentLoginBurstsOverTwoProcesses() throws {
    let replicas = [try startReplica(), try startReplica()]
    var failures: [String] = []
    for round in 0..<Self.rounds {
      let tickets = try burst("burst\(round)", replicas, count: Self.logins)
      XCTAssertEqual(tickets.count, Self.logins, "round \(round): every login got a cookie")
      // Settled: the invalidations of the evicted sessions have been delivered (a poll, not a
      // sleep; a stale L1 entry would be served for the cache's 60 s lifetime).
      var last = 0
      let settled = try waitUntil(timeout: 10, interval: 0.05) {
        last = try served(tickets, replicas, round: round)
        return last <= Self.cap
      }
      if !settled { failures.append("round \(round): \(last) sessions served") }
      XCTAssertEqual(last, Self.cap, "round \(round): the \(Self.cap) sessions Redis keeps are served")
    }
    XCTAssertEqual(failures, [], "sessions beyond max_per_user = \(Self.cap) kept being served")
  }
}
