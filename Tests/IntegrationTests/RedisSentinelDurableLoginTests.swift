import Foundation
import XCTest

/// Durable logins behind Sentinel (docs/operations.md §6): logins made while `SENTINEL FAILOVER`
/// runs are either refused (503) or survive the switch — none is answered 200 with a cookie and
/// then lost when the old master, demoted, resyncs from the new one. Real processes: one master,
/// one replica, three sentinels.
final class RedisSentinelDurableLoginTests: RedisFleetTestCase {
  func testNoLoginAnswered200IsLostInAFailover() throws {
    let fastSync = ["--repl-diskless-sync-delay", "0"]
    let master = try server { try RedisTestServer(extra: fastSync) }
    let replica = try server {
      try RedisTestServer(extra: fastSync + ["--replicaof", "127.0.0.1", String(master.port)])
    }
    XCTAssertTrue(
      waitUntil(timeout: 15) {
        ((try? replica.cli(["INFO", "replication"])) ?? "").contains("master_link_status:up")
      }, "replica synced")
    var sentinels: [RedisTestServer] = []
    for _ in 0..<3 {
      sentinels.append(try server { try RedisTestServer(sentinelFor: "mymaster", masterPort: master.port) })
    }
    XCTAssertTrue(
      waitUntil(timeout: 20) {
        sentinels.allSatisfy {
          ((try? $0.cli(["SENTINEL", "replicas", "mymaster"])) ?? "").contains(String(replica.port))
        }
      }, "every sentinel knows the replica")
    let list = sentinels.map { "\"127.0.0.1:\($0.port)\"" }.joined(separator: ", ")
    let gatehouse = try startSessionGatehouse(session: [
      "store = \"redis\"", "[session.cache]", "enabled = false", "[redis]", "sentinels = [\(list)]",
      "master_name = \"mymaster\"", "command_timeout = \"200ms\"", "breaker_cooldown = \"200ms\"",
      "replica_ack_timeout = \"100ms\"",
    ])
    XCTAssertTrue(
      waitUntil(timeout: 10) { (try? self.admin(gatehouse, "GET", "/readyz").status) == 200 }, "ready")

    // Four clients log in without pause from just before the failover until it settled.
    let answered = LockedStrings()
    let stop = LockedFlag()
    let group = DispatchGroup()
    let prefix = "\(Self.cookieName)="
    let port = gatehouse.port
    for client in 0..<4 {
      group.enter()
      DispatchQueue.global().async {
        defer { group.leave() }
        var count = 0
        while !stop.isSet {
          count += 1
          guard let connection = try? RawClient(port: port) else { continue }
          defer { connection.close() }
          guard
            (try? connection.send(RawClient.request("GET", "/login-as/u\(client)x\(count)", host: "x")))
              != nil,
            let response = try? connection.readResponse(), response.status == 200,
            let cookie = response.headers.values("Set-Cookie").first(where: { $0.hasPrefix(prefix) })
          else { continue }
          let pair = cookie.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
          answered.append(String(pair.dropFirst(prefix.count)))
        }
      }
    }
    Thread.sleep(forTimeInterval: 0.3)
    var started = false
    let deadline = Date().addingTimeInterval(20)
    while !started && Date() < deadline {
      started = (try? sentinels[0].cli(["SENTINEL", "FAILOVER", "mymaster"])) == "OK"
      if !started { usleep(100_000) }
    }
    XCTAssertTrue(started, "SENTINEL FAILOVER accepted")
    // Settled: the old master replicates from the promoted one.
    let settled = waitUntil(timeout: 20) {
      let old = (try? master.cli(["INFO", "replication"])) ?? ""
      return old.contains("role:slave") && old.contains("master_link_status:up")
    }
    Thread.sleep(forTimeInterval: 0.3)
    stop.set()
    group.wait()
    XCTAssertTrue(settled, "the old master resynced from the new one")
    let tickets = answered.values
    XCTAssertGreaterThan(tickets.count, 20, "logins answered 200 around the failover")
    var lost = 0
    for ticket in tickets {
      let (response, _) = try request(gatehouse, "GET", "/api/alive", ticket: ticket)
      if response.status == 401 { lost += 1 }
    }
    XCTAssertEqual(lost, 0, "logins answered 200 and refused after the failover, of \(tickets.count)")
  }
}

/// Strings collected by concurrent clients. Thread-safe (NSLock).
private final class LockedStrings: @unchecked Sendable {
  private let lock = NSLock()
  private var items: [String] = []
  func append(_ item: String) { lock.withLock { items.append(item) } }
  var values: [String] { lock.withLock { items } }
}

/// A stop signal for client threads. Thread-safe (NSLock).
private final class LockedFlag: @unchecked Sendable {
  private let lock = NSLock()
  private var value = false
  func set() { lock.withLock { value = true } }
  var isSet: Bool { lock.withLock { value } }
}
