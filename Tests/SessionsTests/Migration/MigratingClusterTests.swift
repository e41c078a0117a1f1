import EventLoop
import Foundation
import Synchronization
import XCTest

@testable import Sessions

/// Single Redis → Redis Cluster (3 masters, 3 replicas): the migrating store passes the
/// conformance suite in split and complete over the pair, and the backfill copies every session
/// both ways — into the cluster (one import per user, its keys in one slot) and out of it (the
/// export visits every master in turn).
final class MigratingClusterTests: RedisTestCase {
  func testSingleToClusterAndBack() throws {
    let single = try startServer()
    let cluster = try startCluster()
    let connection = self.connection(port: single.port)
    let client = clusterClient(cluster)
    waitReady(connection, "single")
    waitForMap(client, "cluster")

    for setting in [MigrationSetting(mode: .split, percentage: 50), MigrationSetting(mode: .complete)] {
      let counter = Mutex(0)
      let hop = LoopHopStore(loop: harness.loop) { prefix in
        MigratingSessionStore(
          from: RedisSessionStore(connection: connection.value, keyPrefix: prefix),
          to: RedisSessionStore(transport: client.value, keyPrefix: prefix),
          control: MigrationControl(initial: setting, drainWindow: 3_600_000_000_000, clock: SystemClock()),
          clock: SystemClock())
      }
      SessionStoreConformance(
        makeStore: {
          let n = counter.withLock { c -> Int in
            c += 1
            return c
          }
          return hop.fresh(prefix: "c\(setting.mode.rawValue)\(n):")
        },
        waitUntil: { hop.waitUntil($0) }, usesInjectedTime: false
      ).run()
    }

    // 60 users on the single Redis, copied into the cluster and back out into a fresh prefix.
    let from = harness.sync { Unchecked(RedisSessionStore(connection: connection.value, keyPrefix: "bf:")) }
    let to = harness.sync { Unchecked(RedisSessionStore(transport: client.value, keyPrefix: "bf:")) }
    let tickets = clusterTickets(60, prefix: "mover")
    XCTAssertEqual(createAll(from, tickets)?.compactMap { $0 }, [], "created on the single Redis")
    func backfill(_ source: Unchecked<RedisSessionStore>, _ target: Unchecked<RedisSessionStore>)
      -> BackfillProgress?
    {
      let loop = harness.loop
      return harness.await(60) { done in
        SessionBackfill(
          source: source.value, target: target.value, checkpoint: nil, sourceName: "s",
          options: .init(pageSize: 7), clock: SystemClock(),
          sleep: { delay, resume in loop.schedule(at: loop.now &+ delay, resume) }
        ).run { done(try? $0.get()) }
      } ?? nil
    }
    XCTAssertEqual(backfill(from, to)?.copied, 60, "single → cluster copies every session")
    XCTAssertEqual(backfill(from, to)?.copied, 0, "a second run copies nothing")
    let back = harness.sync { Unchecked(RedisSessionStore(connection: connection.value, keyPrefix: "back:")) }
    let out = backfill(to, back)
    XCTAssertEqual(out?.sessions, 60, "the export visits every master: \(String(describing: out?.summary))")
    XCTAssertEqual(out?.copied, 60, "cluster → single copies every session")
    XCTAssertEqual(
      try single.cli(["--scan", "--pattern", "back:s:*"]).split(separator: "\n").count, 60, "60 keys back")
  }
}
