import Foundation
import Synchronization
import XCTest

@testable import Sessions

/// `RedisClusterClient` (under `RedisSessionStore`) against a real 3-master/3-replica cluster on
/// loopback: routing by slot, ASK and MOVED during a migration and a `redis-cli` reshard, a
/// killed master, and replica reads with a paused replica.
final class RedisClusterClientTests: RedisTestCase {
  private let ms: UInt64 = 1_000_000

  func testEveryUsersKeysLiveOnTheMasterOfTheirSlotAndLoadSpreads() throws {
    let cluster = try startCluster()
    let counts = Unchecked<[String: Int]>([:])
    let client = clusterClient(cluster) { client in
      client.makeCommandCounter = { address, role in
        { counts.value["\(role == .master ? "m" : "r"):\(address.port)", default: 0] += 1 }
      }
    }
    waitForMap(client, "routing")
    let store = clusterStore(client)
    let tickets = clusterTickets(60)
    XCTAssertEqual(createAll(store, tickets).map { $0.compactMap { $0 } }, [], "every create succeeded")
    XCTAssertEqual(
      loadAll(store, tickets), Array(repeating: "found", count: tickets.count), "every load found")

    for ticket in tickets.prefix(12) {
      let slot = RedisClusterSlot.of(Array("gh:\(ticket.userKey)".utf8))
      let owner = try cluster.master(ofSlot: slot)
      XCTAssertEqual(
        try cluster.node(port: owner)?.cli(["EXISTS", "gh:\(ticket.userKey)", "gh:\(ticket.storeKey)"]), "2",
        "both keys of \(ticket.userKey) on the master of slot \(slot)")
    }
    let masters = try cluster.topology().keys.sorted()
    let perMaster = harness.sync { masters.map { counts.value["m:\($0)"] ?? 0 } }
    let all = harness.sync { counts.value }
    for (port, count) in zip(masters, perMaster) {
      XCTAssertGreaterThan(count, 10, "master \(port) served its share of 120 scripts: \(all)")
    }
    XCTAssertEqual(harness.sync { counts.value.keys.filter { $0.hasPrefix("r:") } }, [], "no replica used")
  }

  /// A slot half-migrated by hand: keys that left answer through `ASK` (map untouched), keys
  /// that stayed from the source, a new user's create waits out `TRYAGAIN` until the slot is
  /// settled, then `MOVED` refreshes the map.
  func testAskAndMovedAroundAMigration() throws {
    let cluster = try startCluster()
    let client = clusterClient(cluster)
    waitForMap(client, "migration")
    let store = clusterStore(client, commandTimeout: 3_000 * ms)
    // Three users of one slot (found among many tags), so the slot holds a mover, a stayer and
    // a newcomer.
    let slotOf = { (t: SessionTicket) in RedisClusterSlot.of(Array("gh:\(t.userKey)".utf8)) }
    let bySlot = Dictionary(grouping: clusterTickets(4000, prefix: "m"), by: slotOf)
    let (slot, same) = try XCTUnwrap(bySlot.filter { $0.value.count >= 3 }.min { $0.key < $1.key })
    let (mover, stayer) = (same[0], same[1])
    XCTAssertEqual(createAll(store, [mover, stayer]).map { $0.compactMap { $0 } }, [], "created")

    let source = try cluster.master(ofSlot: slot)
    let target = try cluster.topology().keys.first { $0 != source }!
    let moverTag = mover.userKey.dropFirst(2)  // "{tag}"
    try cluster.beginMigration(slot: slot, from: source, to: target) { $0.contains(moverTag) }
    let mapBefore = harness.sync { client.value.slotMap }
    XCTAssertEqual(
      loadAll(store, [mover, stayer]), ["found", "found"], "ASK for the mover, source for the stayer")
    XCTAssertEqual(harness.sync { client.value.slotMap }, mapBefore, "ASK leaves the map alone")
    XCTAssertEqual(
      try cluster.node(port: target)?.cli(["CLUSTER", "COUNTKEYSINSLOT", String(slot)]), "2",
      "the mover's two keys on the target")

    // A new user of the slot: both keys missing on the source (ASK), and the target will not take
    // a multi-key script for keys it does not all have (TRYAGAIN) until the slot is settled.
    let newcomer = same[2]
    let created = Unchecked<String?>(nil)
    let limits = SessionLimits(maxPerUser: 3, onLimit: .evictOldest)
    let session = storedSession(newcomer)
    harness.sync {
      store.value.create(session, userKey: newcomer.userKey, limits: limits, now: t0) { result in
        switch result {
        case .success: created.value = "created"
        case .failure(let error): created.value = error.description
        }
      }
    }
    usleep(200_000)
    try cluster.finishMigration(slot: slot, from: source, to: target)
    XCTAssertTrue(waitUntil(10) { self.harness.sync { created.value != nil } }, "create answered")
    XCTAssertEqual(
      harness.sync { created.value }, "created",
      "create succeeded after TRYAGAIN retries")

    XCTAssertEqual(
      loadAll(store, [mover, stayer]), ["found", "found"], "after the move (MOVED for the stayer)")
    XCTAssertTrue(
      waitUntil(5) {
        self.harness.sync { client.value.slotMap?.shard(forSlot: slot)?.master.port == target }
      },
      "MOVED refreshed the map")
  }

  /// `redis-cli --cluster reshard` moves 1000 slots while the test keeps loading every session:
  /// no load may answer anything but "found".
  func testRedisCliReshardMidTrafficRefusesNoSession() throws {
    let cluster = try startCluster()
    let client = clusterClient(cluster)
    waitForMap(client, "reshard")
    let store = clusterStore(client, commandTimeout: 1_000 * ms)
    let tickets = clusterTickets(300)
    XCTAssertEqual(createAll(store, tickets).map { $0.compactMap { $0 } }, [], "created")
    let masters = try cluster.topology().keys.sorted()
    let done = Mutex<Result<Void, any Error>?>(nil)
    let processes = Unchecked(cluster)
    let reshard = Thread {
      let outcome = Result { try processes.value.reshard(count: 1000, from: masters[0], to: masters[1]) }
      done.withLock { $0 = outcome }
    }
    reshard.start()
    var rounds = 0
    var refused: [String] = []
    while done.withLock({ $0 == nil }) || rounds < 2 {
      let answers = loadAll(store, tickets) ?? ["no answer"]
      refused += answers.filter { $0 != "found" }
      rounds += 1
    }
    XCTAssertNoThrow(try done.withLock { $0 }!.get(), "reshard finished")
    XCTAssertEqual(refused, [], "no session refused during the reshard (\(rounds) rounds)")
    let moved = harness.sync { client.value.slotMap?.shards.first { $0.master.port == masters[1] } }
    XCTAssertNotNil(moved, "map still lists the target")
  }

  /// SIGKILL of a master: once the cluster promoted its replica, the client follows within
  /// seconds and every session created before the kill is found again.
  func testFollowsAKilledMasterWithinSeconds() throws {
    let cluster = try startCluster()
    let client = clusterClient(cluster)
    waitForMap(client, "failover")
    let store = clusterStore(client)
    let tickets = clusterTickets(90)
    XCTAssertEqual(createAll(store, tickets).map { $0.compactMap { $0 } }, [], "created")
    let victim = try cluster.master(ofSlot: RedisClusterSlot.of(Array("gh:\(tickets[0].userKey)".utf8)))
    let replica = try cluster.topology()[victim]![0]
    XCTAssertTrue(
      waitUntil(10) {
        (try? cluster.node(port: replica)?.cli(["DBSIZE"]))
          == (try? cluster.node(port: victim)?.cli(["DBSIZE"]))
      },
      "replica caught up")
    let killedAt = Date()
    cluster.node(port: victim)!.kill()
    var last: [String] = []
    let followed = waitUntil(20) {
      last = self.loadAll(store, tickets, timeout: 5) ?? []
      return last == Array(repeating: "found", count: tickets.count)
    }
    let took = Date().timeIntervalSince(killedAt)
    XCTAssertTrue(followed, "all sessions found again after the failover; last: \(Set(last))")
    XCTAssertLessThan(took, 15, "followed within seconds (\(took) s)")
    XCTAssertEqual(
      harness.sync { client.value.slotMap?.masters.contains { $0.port == replica } }, true, "replica promoted"
    )
    XCTAssertEqual(harness.sync { client.value.isAvailable }, true, "available again")
  }

  /// Replica reads: loads are answered by replicas; with one replica stopped (SIGSTOP), its
  /// shard's loads fall back to the master after `replicaTimeout` and still succeed.
  func testReplicaReadsFallBackToTheMasterWhenAReplicaIsPaused() throws {
    let cluster = try startCluster()
    let client = clusterClient(cluster)
    waitForMap(client, "replica reads")
    let paths = Unchecked<[RedisLoadPath]>([])
    let store = clusterStore(
      client, readFrom: .replicaPreferred, commandTimeout: 1_000 * ms, replicaTimeout: 100 * ms)
    harness.sync { store.value.onLoad = { paths.value.append($0) } }
    let tickets = clusterTickets(60)
    XCTAssertEqual(createAll(store, tickets).map { $0.compactMap { $0 } }, [], "created")
    // Connections to replicas are made on first use; wait until each shard has a ready one.
    XCTAssertTrue(
      waitUntil(10) {
        _ = self.loadAll(store, tickets)
        return self.harness.sync { paths.value.suffix(tickets.count).allSatisfy { $0 == .replica } }
      }, "replicas answer the loads")

    let victim = try cluster.master(ofSlot: RedisClusterSlot.of(Array("gh:\(tickets[0].userKey)".utf8)))
    let replica = cluster.node(port: try cluster.topology()[victim]![0])!
    replica.pause()
    defer { replica.resume() }
    harness.sync { paths.value = [] }
    XCTAssertEqual(
      loadAll(store, tickets), Array(repeating: "found", count: tickets.count), "paused: all found")
    let fallbacks = harness.sync { paths.value.filter { $0 == .masterAfterReplicaFailure }.count }
    XCTAssertGreaterThan(fallbacks, 0, "paused replica's shard fell back to its master")
    XCTAssertLessThan(fallbacks, tickets.count, "other shards still read from their replicas")

    // A session created a moment ago is found even if no replica has it yet.
    let fresh = clusterTickets(30, prefix: "fresh")
    XCTAssertEqual(createAll(store, fresh).map { $0.compactMap { $0 } }, [], "created while paused")
    XCTAssertEqual(
      loadAll(store, fresh), Array(repeating: "found", count: fresh.count), "fresh sessions found")
  }
}
