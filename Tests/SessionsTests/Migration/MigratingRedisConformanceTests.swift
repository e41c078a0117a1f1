import EventLoop
import Foundation
import Sessions
import Synchronization
import XCTest

/// The conformance suite against `MigratingSessionStore` over real stores, in every mode:
/// memory → Redis (one process) and Redis → Redis (two `redis-server` processes). Each case
/// gets empty stores (a fresh memory store, its own key prefix on each server).
final class MigratingRedisConformanceTests: RedisTestCase {
  func testMemoryToRedisInEveryMode() throws {
    let server = try startServer()
    let connection = self.connection(port: server.port)
    waitReady(connection, "to")
    for setting in MigratingSessionStoreConformanceTests.settings {
      run(setting) { prefix in
        MigratingSessionStore(
          from: MemorySessionStore(), to: RedisSessionStore(connection: connection.value, keyPrefix: prefix),
          control: MigrationControl(
            initial: setting, drainWindow: 3_600_000_000_000, clock: SystemClock()),
          clock: SystemClock())
      }
    }
  }

  func testRedisToRedisInEveryMode() throws {
    let fromServer = try startServer()
    let toServer = try startServer()
    let from = connection(port: fromServer.port)
    let to = connection(port: toServer.port)
    waitReady(from, "from")
    waitReady(to, "to")
    for requirement in [MigrationWriteRequirement.primary, .both] {
      for setting in MigratingSessionStoreConformanceTests.settings {
        run(setting) { prefix in
          MigratingSessionStore(
            from: RedisSessionStore(connection: from.value, keyPrefix: prefix),
            to: RedisSessionStore(connection: to.value, keyPrefix: prefix),
            control: MigrationControl(
              initial: setting, drainWindow: 3_600_000_000_000, clock: SystemClock()),
            require: requirement, clock: SystemClock())
        }
      }
    }
  }

  private func run(_ setting: MigrationSetting, _ make: @escaping (String) -> MigratingSessionStore) {
    let counter = Mutex(0)
    let hop = LoopHopStore(loop: harness.loop, make: make)
    let tag = UUID().uuidString.prefix(8)
    SessionStoreConformance(
      makeStore: {
        let n = counter.withLock { c -> Int in
          c += 1
          return c
        }
        return hop.fresh(prefix: "m\(tag)\(n):")
      },
      waitUntil: { hop.waitUntil($0) }, usesInjectedTime: false
    ).run()
    XCTAssertGreaterThan(counter.withLock { $0 }, 5, "\(setting): suite ran its cases")
  }
}
