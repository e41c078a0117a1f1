import Foundation
import XCTest

@testable import Sessions

/// `RedisClusterTracking` on a real 3-master/3-replica cluster: a subscriber per master,
/// invalidations from every shard, one shared heartbeat that every subscriber hears, and a
/// reset (flush) when a master's subscription is lost or the set of masters changes.
final class RedisClusterTrackingTests: RedisTestCase {
  private struct Log {
    var keys: [[UInt8]] = []
    var flushes = 0
    var resets = 0
  }

  private func track(
    _ client: Unchecked<RedisClusterClient>, interval: UInt64
  ) -> (Unchecked<RedisClusterTracking>, Unchecked<Log>) {
    let log = Unchecked(Log())
    let tracking = harness.sync { () -> Unchecked<RedisClusterTracking> in
      let tracking = RedisClusterTracking(
        client: client.value, trackingPrefixes: [Array("gh:s:".utf8)], heartbeatInterval: interval,
        heartbeatMaxMissed: 3)
      tracking.onInvalidate = { keys in
        if let keys { log.value.keys += keys } else { log.value.flushes += 1 }
      }
      tracking.onReset = { log.value.resets += 1 }
      tracking.start()
      return Unchecked(tracking)
    }
    cleanups.insert(Unchecked { tracking.value.close() }, at: 0)
    return (tracking, log)
  }

  func testInvalidationsFromEveryMasterAndOneHeartbeatForAll() throws {
    let cluster = try startCluster()
    let client = clusterClient(cluster)
    waitForMap(client, "tracking")
    let (tracking, log) = track(client, interval: 100_000_000)
    XCTAssertTrue(
      waitUntil(10) { self.harness.sync { tracking.value.isSubscribed } }, "subscribed on all masters")
    let masters = try cluster.topology().keys.map { RedisAddress(host: "127.0.0.1", port: $0)! }
    XCTAssertEqual(harness.sync { tracking.value.trackedMasters }, Set(masters), "one subscriber per master")

    let resetsBefore = harness.sync { log.value.resets }
    let store = clusterStore(client)
    let tickets = clusterTickets(30)
    XCTAssertEqual(createAll(store, tickets).map { $0.compactMap { $0 } }, [], "created")
    let expected = Set(tickets.map { Array("gh:\($0.storeKey)".utf8) })
    XCTAssertTrue(
      waitUntil(10) { self.harness.sync { expected.isSubset(of: Set(log.value.keys)) } },
      "an invalidation for every session key, from all three shards")
    // Two seconds is 20 beats: a subscriber that did not hear them would have been reset.
    usleep(2_000_000)
    XCTAssertEqual(
      harness.sync { log.value.resets }, resetsBefore, "no reset: every master's subscriber hears the beat")
    XCTAssertTrue(harness.sync { tracking.value.isSubscribed })

    // A master's subscription dropped by the server: reset (lost), then reset again (back).
    let victim = masters[0]
    let killed = try cluster.node(port: victim.port)!.cli(["CLIENT", "KILL", "TYPE", "pubsub"])
    XCTAssertEqual(killed, "1", "one subscriber connection on that master")
    XCTAssertTrue(
      waitUntil(10) {
        self.harness.sync { log.value.resets >= resetsBefore + 2 && tracking.value.isSubscribed }
      },
      "lost and re-established, each a reset")
  }

  func testAPromotedReplicaGetsASubscriberAndTheDeadMasterLosesIt() throws {
    let cluster = try startCluster()
    let client = clusterClient(cluster)
    waitForMap(client, "failover tracking")
    let (tracking, log) = track(client, interval: 200_000_000)
    XCTAssertTrue(waitUntil(10) { self.harness.sync { tracking.value.isSubscribed } }, "subscribed")
    let topology = try cluster.topology()
    let victim = topology.keys.sorted()[0]
    let heir = topology[victim]![0]
    cluster.node(port: victim)!.kill()
    XCTAssertTrue(
      waitUntil(5) { self.harness.sync { !tracking.value.isSubscribed } },
      "not coherent once a master is lost")
    XCTAssertTrue(
      waitUntil(20) {
        self.harness.sync {
          tracking.value.isSubscribed && tracking.value.trackedMasters.contains { $0.port == heir }
            && !tracking.value.trackedMasters.contains { $0.port == victim }
        }
      }, "subscribed on the promoted replica, not on the dead master")

    // Writes on the promoted master are invalidated.
    let store = clusterStore(client)
    let heirSlots = Set(
      harness.sync {
        client.value.slotMap!.slots(ofShard: client.value.slotMap!.masters.firstIndex { $0.port == heir }!)
      })
    let tickets = clusterTickets(200).filter {
      heirSlots.contains(RedisClusterSlot.of(Array("gh:\($0.userKey)".utf8)))
    }
    XCTAssertFalse(tickets.isEmpty)
    XCTAssertEqual(
      createAll(store, tickets).map { $0.compactMap { $0 } }, [], "created on the promoted master")
    let expected = Set(tickets.map { Array("gh:\($0.storeKey)".utf8) })
    XCTAssertTrue(
      waitUntil(10) { self.harness.sync { expected.isSubset(of: Set(log.value.keys)) } },
      "invalidations from the promoted master")
  }
}
