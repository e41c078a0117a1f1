import Foundation
import XCTest

@testable import Sessions

/// One master, one replica, one sentinel (quorum 1), all real processes on loopback.
final class RedisSentinelTests: RedisTestCase {
  func testResolvesTheMasterAndFollowsAFailover() throws {
    let master = try startServer()
    let replica = try startServer(extra: ["--replicaof", "127.0.0.1", String(master.port)])
    let sentinel = try RedisServerProcess(sentinelFor: "mymaster", masterPort: master.port)
    servers.append(sentinel)
    try sentinel.start()
    let synced = waitUntil(30) {
      ((try? replica.cli(["INFO", "replication"])) ?? "").contains("master_link_status:up")
        && ((try? sentinel.cli(["SENTINEL", "replicas", "mymaster"])) ?? "").contains(String(replica.port))
    }
    XCTAssertTrue(synced, "sentinel: replica synced and known to the sentinel")

    let loop = harness.loop
    let sentinelAddress = RedisAddress(host: "127.0.0.1", port: sentinel.port)!
    let unreachable = RedisAddress(host: "127.0.0.1", port: try RedisServerProcess.freePort())!
    let changes = Unchecked<[Int]>([])
    var options = testOptions()
    options.requireMaster = true
    let objects = harness.sync { () -> Unchecked<(SentinelResolver, RedisConnection)> in
      // The unreachable sentinel first: resolve must skip it and then prefer the live one.
      let resolver = SentinelResolver(
        loop: loop, sentinels: [unreachable, sentinelAddress], masterName: "mymaster",
        pollInterval: 600_000_000_000)
      let connection = RedisConnection(loop: loop, options: options, addressSource: resolver.addressSource)
      resolver.onMasterChanged = { address in
        changes.value.append(address.port)
        if connection.address != address { connection.reconnectNow() }
      }
      return Unchecked((resolver, connection))
    }
    cleanups.append(
      Unchecked {
        objects.value.0.stop()
        objects.value.1.close()
      })

    let resolved = harness.await(15) { done in objects.value.0.resolve { done($0) } }
    XCTAssertEqual(resolved?.map(\.port), .success(master.port), "resolve: the master")
    XCTAssertEqual(
      harness.sync { objects.value.0.sentinels.first }, sentinelAddress, "resolve: answering sentinel first")
    let missing = harness.sync {
      SentinelResolver(
        loop: loop, sentinels: [unreachable], masterName: "mymaster", queryTimeout: 300_000_000)
    }
    let none = harness.await(15) { done in missing.resolve { done($0) } }
    XCTAssertEqual(
      none.map { errorKind($0.map { _ in RedisReply.null }) }, "connectFailed", "resolve: none reachable")
    let unknown = harness.sync {
      SentinelResolver(loop: loop, sentinels: [sentinelAddress], masterName: "other")
    }
    let null = harness.await(15) { done in unknown.resolve { done($0) } }
    XCTAssertEqual(
      null.map { errorKind($0.map { _ in RedisReply.null }) }, "server", "resolve: unknown master name")

    harness.sync {
      objects.value.0.start()
      objects.value.1.start()
    }
    let connection = Unchecked(harness.sync { objects.value.1 })
    waitReady(connection, "sentinel: data connection")
    XCTAssertEqual(
      send(connection, ["SET", "before", "1"]), .success(.status(Array("OK".utf8))), "write to master")
    let subscribed = waitUntil(15) { ((try? sentinel.cli(["CLIENT", "LIST"])) ?? "").contains("sub=1") }
    XCTAssertTrue(subscribed, "sentinel: +switch-master subscription in place")

    var started = false
    let deadline = Date().addingTimeInterval(30)
    while !started && Date() < deadline {
      started = (try? sentinel.cli(["SENTINEL", "FAILOVER", "mymaster"])) == "OK"
      if !started { usleep(200_000) }
    }
    XCTAssertTrue(started, "SENTINEL FAILOVER accepted")
    XCTAssertTrue(
      waitUntil(30) { harness.sync { changes.value.contains(replica.port) } },
      "switch-master signalled with the new master (polling is off)")
    let moved = waitUntil(30) {
      harness.sync { objects.value.1.address?.port == replica.port }
        && (try? send(connection, ["SET", "after", "1"])?.get()) == .status(Array("OK".utf8))
    }
    XCTAssertTrue(moved, "data connection re-resolved and writes to the new master")
    XCTAssertEqual(
      try replica.cli(["GET", "before"]), "1", "data written before the failover is on the new master")
  }
}
