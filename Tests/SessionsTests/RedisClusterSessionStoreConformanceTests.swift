import EventLoop
import Foundation
import Synchronization
import XCTest

@testable import Sessions

/// The shared `SessionStoreConformance` suite against `RedisSessionStore` over a
/// `RedisClusterClient` on a real 3-master/3-replica cluster: once reading from the masters and
/// once with replica reads (lookups go to replicas and fall back to the master on a miss).
final class RedisClusterSessionStoreConformanceTests: RedisTestCase {
  func testConformanceOnACluster() throws {
    let cluster = try startCluster()
    let client = clusterClient(cluster)
    waitForMap(client, "conformance")
    for readFrom in RedisReadFrom.allCases {
      let counter = Mutex(0)
      // With replica reads, each write is answered once its master's replica has it (`WAIT 1`):
      // a destroyed session may otherwise still be read from a replica for the replication delay
      // (docs/redis.md §12), which a loaded machine stretches to milliseconds.
      let settle: ((String, @escaping () -> Void) -> Void)? =
        readFrom == .master
        ? nil
        : { userKey, done in
          client.value.waitForReplicas(
            1, timeoutMillis: 10_000, key: Array(userKey.utf8), timeout: 12_000_000_000
          ) { _ in done() }
        }
      let hop = LoopHopStore(loop: harness.loop, settle: settle) { prefix in
        RedisSessionStore(transport: client.value, keyPrefix: prefix, readFrom: readFrom)
      }
      SessionStoreConformance(
        makeStore: {
          let n = counter.withLock { c -> Int in
            c += 1
            return c
          }
          return hop.fresh(prefix: "conf\(readFrom.rawValue)\(n):")
        },
        waitUntil: { hop.waitUntil($0) },
        usesInjectedTime: false
      ).run()
      XCTAssertGreaterThan(counter.withLock { $0 }, 5, "\(readFrom): suite ran its cases")
    }
  }
}
