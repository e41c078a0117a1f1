import Foundation
import XCTest

@testable import Sessions

/// Replica reads in a Sentinel deployment: `SentinelResolver` finds healthy replicas,
/// `RedisReplicatedTransport` sends lookups there and the store falls back to the master when
/// the replica is stopped. Real master, replica and sentinel processes on loopback.
final class RedisReplicatedTransportTests: RedisTestCase {
  func testHealthyReplicasFromSentinelReplies() {
    func entry(_ fields: [String: String]) -> RedisReply {
      .array(
        fields.sorted { $0.key < $1.key }.flatMap {
          [.bulk(Array($0.key.utf8)), .bulk(Array($0.value.utf8))]
        })
    }
    let ok = ["ip": "127.0.0.1", "port": "7001", "flags": "slave", "master-link-status": "ok"]
    let cases: [(name: String, reply: RedisReply, expected: [Int]?)] = [
      ("healthy", .array([entry(ok)]), [7001]),
      ("none", .array([]), []),
      ("subjectively down", .array([entry(ok.merging(["flags": "slave,s_down"]) { $1 })]), []),
      ("objectively down", .array([entry(ok.merging(["flags": "slave,o_down"]) { $1 })]), []),
      ("disconnected", .array([entry(ok.merging(["flags": "slave,disconnected"]) { $1 })]), []),
      ("link down", .array([entry(ok.merging(["master-link-status": "err"]) { $1 })]), []),
      ("host name", .array([entry(ok.merging(["ip": "replica.local"]) { $1 })]), []),
      ("sorted", .array([entry(ok.merging(["port": "7003"]) { $1 }), entry(ok)]), [7001, 7003]),
      ("odd field count", .array([.array([.bulk(Array("ip".utf8))])]), nil),
      ("not an array", .bulk([]), nil),
    ]
    for c in cases {
      XCTAssertEqual(SentinelResolver.healthyReplicas(c.reply)?.map(\.port), c.expected, c.name)
    }
  }

  func testLookupsGoToTheReplicaAndFallBackWhenItIsPaused() throws {
    let master = try startServer()
    let replica = try startServer(extra: ["--replicaof", "127.0.0.1", String(master.port)])
    let sentinel = try RedisServerProcess(sentinelFor: "mymaster", masterPort: master.port)
    servers.append(sentinel)
    try sentinel.start()
    XCTAssertTrue(
      waitUntil(30) {
        ((try? sentinel.cli(["SENTINEL", "replicas", "mymaster"])) ?? "").contains("master-link-status\nok")
      }, "sentinel knows a linked replica")

    let loop = harness.loop
    let sentinelAddress = RedisAddress(host: "127.0.0.1", port: sentinel.port)!
    var masterOptions = testOptions()
    masterOptions.requireMaster = true
    var replicaOptions = testOptions()
    replicaOptions.commandTimeout = 300_000_000
    let paths = Unchecked<[RedisLoadPath]>([])
    let objects = harness.sync {
      () -> Unchecked<(SentinelResolver, RedisReplicatedTransport, RedisSessionStore)> in
      let resolver = SentinelResolver(loop: loop, sentinels: [sentinelAddress], masterName: "mymaster")
      let transport = RedisReplicatedTransport(
        master: RedisConnection(loop: loop, options: masterOptions, addressSource: resolver.addressSource),
        replica: RedisConnection(
          loop: loop, options: replicaOptions, addressSource: resolver.replicaAddressSource(preference: 0)))
      transport.master.start()
      transport.replica.start()
      let store = RedisSessionStore(
        transport: transport, commandTimeout: 1_000_000_000, readFrom: .replicaPreferred,
        replicaTimeout: 100_000_000)
      store.onLoad = { paths.value.append($0) }
      return Unchecked((resolver, transport, store))
    }
    cleanups.append(
      Unchecked {
        objects.value.1.master.close()
        objects.value.1.replica.close()
      })
    let resolved = harness.await(10) { done in objects.value.0.resolveReplicas { done($0) } }
    XCTAssertEqual(resolved.map { $0.map { $0.map(\.port) } }, .success([replica.port]), "the replica")
    XCTAssertTrue(
      waitUntil(10) {
        self.harness.sync { objects.value.1.master.isReady && objects.value.1.replica.isReady }
      },
      "both connections ready")
    XCTAssertEqual(harness.sync { objects.value.1.replica.address?.port }, replica.port, "replica connection")

    let store = Unchecked(harness.sync { objects.value.2 })
    let tickets = clusterTickets(20)
    XCTAssertEqual(createAll(store, tickets).map { $0.compactMap { $0 } }, [], "created on the master")
    XCTAssertTrue(
      waitUntil(10) {
        self.harness.sync { paths.value = [] }
        return self.loadAll(store, tickets) == Array(repeating: "found", count: tickets.count)
          && self.harness.sync { paths.value.allSatisfy { $0 == .replica } }
      }, "the replica answers every lookup")

    replica.pause()
    defer { replica.resume() }
    harness.sync { paths.value = [] }
    XCTAssertEqual(
      loadAll(store, tickets), Array(repeating: "found", count: tickets.count), "paused: all found")
    XCTAssertEqual(
      harness.sync { paths.value }, Array(repeating: .masterAfterReplicaFailure, count: tickets.count),
      "every lookup fell back to the master")
  }
}
