import EventLoop
import Foundation
import XCTest

@testable import Sessions

/// Shared set-up of the Redis tests: a loop thread, server processes stopped by pid in
/// tearDown, and helpers that run work on the loop and wait with timeouts.
class RedisTestCase: XCTestCase {
  var servers: [RedisServerProcess] = []
  var clusters: [RedisClusterProcesses] = []
  var harness: RedisLoopThread!
  /// Run on the loop in tearDown (closing connections) before the loop stops.
  var cleanups: [Unchecked<() -> Void>] = []

  override func setUpWithError() throws {
    harness = try RedisLoopThread()
  }

  override func tearDown() {
    let cleanups = self.cleanups
    harness.sync { for c in cleanups { c.value() } }
    harness.shutdown()
    for server in servers { server.stop() }
    servers = []
    for cluster in clusters { cluster.stop() }
    clusters = []
  }

  /// A started 3-master/3-replica cluster on loopback, stopped in tearDown.
  func startCluster() throws -> RedisClusterProcesses {
    let cluster = try RedisClusterProcesses()
    clusters.append(cluster)
    try cluster.start()
    return cluster
  }

  /// A started cluster client seeded with `cluster`'s first node, closed in tearDown.
  func clusterClient(
    _ cluster: RedisClusterProcesses, options: RedisClusterOptions? = nil, replicaPreference: Int = 0,
    configure: @escaping (RedisClusterClient) -> Void = { _ in }
  ) -> Unchecked<RedisClusterClient> {
    var clusterOptions = options ?? RedisClusterOptions()
    if options == nil { clusterOptions.connection = testOptions() }
    let loop = harness.loop
    let seeds = [RedisAddress(host: "127.0.0.1", port: cluster.nodes[0].port)!]
    let client = harness.sync { () -> Unchecked<RedisClusterClient> in
      let client = RedisClusterClient(
        loop: loop, seeds: seeds, options: clusterOptions, replicaPreference: replicaPreference)
      configure(client)
      client.start()
      return Unchecked(client)
    }
    cleanups.append(Unchecked { client.value.close() })
    return client
  }

  /// Waits until `client` has a map covering every slot.
  func waitForMap(_ client: Unchecked<RedisClusterClient>, _ name: String, timeout: TimeInterval = 15) {
    let ready = waitUntil(timeout) {
      harness.sync { client.value.slotMap?.assignedSlots == RedisClusterSlot.count }
    }
    XCTAssertTrue(ready, "\(name): no complete slot map within \(timeout) s")
  }

  func startServer(port: Int? = nil, extra: [String] = []) throws -> RedisServerProcess {
    let server = try RedisServerProcess(port: port, extra: extra)
    servers.append(server)
    try server.start()
    return server
  }

  func testOptions() -> RedisConnectionOptions {
    var options = RedisConnectionOptions()
    options.commandTimeout = 2_000_000_000
    options.connectTimeout = 2_000_000_000
    options.reconnectBase = 20_000_000
    options.reconnectCap = 200_000_000
    return options
  }

  /// A started connection to 127.0.0.1:`port`, closed in tearDown.
  func connection(port: Int, options: RedisConnectionOptions? = nil) -> Unchecked<RedisConnection> {
    let options = options ?? testOptions()
    let loop = harness.loop
    let address = RedisAddress(host: "127.0.0.1", port: port)!
    let connection = harness.sync { () -> Unchecked<RedisConnection> in
      let connection = RedisConnection(loop: loop, address: address, options: options)
      connection.start()
      return Unchecked(connection)
    }
    cleanups.append(Unchecked { connection.value.close() })
    return connection
  }

  func send(
    _ connection: Unchecked<RedisConnection>, _ words: [String], timeout: UInt64? = nil
  ) -> Result<RedisReply, RedisError>? {
    harness.await(15) { done in connection.value.send(strings: words, timeout: timeout) { done($0) } }
  }

  func waitReady(_ connection: Unchecked<RedisConnection>, _ name: String, timeout: TimeInterval = 15) {
    let ready = waitUntil(timeout) { harness.sync { connection.value.isReady } }
    XCTAssertTrue(ready, "\(name): connection not ready within \(timeout) s")
  }
}
