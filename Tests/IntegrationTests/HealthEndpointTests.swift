import Foundation
import XCTest

/// `GET /health` (docs/operations.md §7): a graded verdict beside readiness. With the memory store
/// it is healthy; with Redis it goes `degraded` when the store's latency crosses `max_store_p99`
/// (Redis slowed with `DEBUG SLEEP`) and comes back when the window has slid past it, while
/// `/readyz` stays 200 throughout.
final class HealthEndpointTests: SessionTestCase {
  private var redis: RedisTestServer?

  override func tearDown() {
    redis?.stop()
    super.tearDown()
  }

  private func health(_ gatehouse: GatehouseProcess) throws -> (status: Int, json: [String: Any]) {
    let response = try admin(gatehouse, "GET", "/health")
    let json = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any] ?? [:]
    return (response.status, json)
  }

  func testMemoryStoreIsHealthyWithItsComponents() throws {
    let gatehouse = try startSessionGatehouse()
    // The proxy port accepts (kernel backlog) before the process has finished starting.
    XCTAssertTrue(waitUntil(timeout: 10) { (try? self.health(gatehouse))?.status == 200 })
    let (status, json) = try health(gatehouse)
    XCTAssertEqual(status, 200)
    XCTAssertEqual(json["status"] as? String, "healthy", "\(json)")
    let components = json["components"] as? [String: Any] ?? [:]
    for name in ["listeners", "upstream", "store"] {
      XCTAssertEqual(
        (components[name] as? [String: Any])?["status"] as? String, "healthy", "\(name): \(json)")
    }
    XCTAssertEqual(json["reasons"] as? [String], [])
  }

  func testSlowStoreDegradesAndRecovers() throws {
    let redis = try RedisTestServer(extra: ["--enable-debug-command", "yes"])
    self.redis = redis
    try redis.start()
    let gatehouse = try startSessionGatehouse(session: [
      "store = \"redis\"", "[redis]", "address = \"127.0.0.1:\(redis.port)\"", "command_timeout = \"500ms\"",
      "[health]", "window = \"2s\"", "min_samples = 1", "max_store_p99 = \"10ms\"",
    ])
    XCTAssertTrue(
      waitUntil(timeout: 10) {
        guard let (status, json) = try? self.health(gatehouse) else { return false }
        let store = (json["components"] as? [String: Any])?["store"] as? [String: Any]
        return status == 200 && json["status"] as? String == "healthy" && store?["probe_ms"] != nil
      }, "healthy with a store probe: \(String(describing: try? health(gatehouse)))")

    // Redis answers 40 ms late, again and again, until the verdict changes.
    let stop = StopFlag()
    let port = String(redis.port)
    let slowing = Thread {
      while !stop.isSet {
        let cli = Process()
        cli.executableURL = URL(fileURLWithPath: "/usr/bin/redis-cli")
        cli.arguments = ["-h", "127.0.0.1", "-p", port, "DEBUG", "SLEEP", "0.04"]
        cli.standardOutput = FileHandle.nullDevice
        cli.standardError = FileHandle.nullDevice
        guard (try? cli.run()) != nil else { return }
        cli.waitUntilExit()
      }
    }
    slowing.start()
    var degraded: [String: Any] = [:]
    let becameDegraded = waitUntil(timeout: 10) {
      guard let (status, json) = try? self.health(gatehouse), status == 200,
        json["status"] as? String == "degraded"
      else { return false }
      degraded = json
      return true
    }
    stop.set()
    XCTAssertTrue(becameDegraded, "degraded while the store is slow")
    let reasons = degraded["reasons"] as? [String] ?? []
    XCTAssertTrue(reasons.contains { $0.hasPrefix("store:") && $0.contains("p99") }, "\(degraded)")
    let stats = degraded["stats"] as? [String: Any] ?? [:]
    XCTAssertGreaterThan(stats["store_p99_ms"] as? Double ?? 0, 10, "\(degraded)")
    XCTAssertEqual(try admin(gatehouse, "GET", "/readyz").status, 200, "a slow store never fails readiness")

    XCTAssertTrue(
      waitUntil(timeout: 10) { (try? self.health(gatehouse))?.json["status"] as? String == "healthy" },
      "healthy again once the window slid past the slow calls: \(String(describing: try? health(gatehouse)))")
  }
}

/// A stop signal for a helper thread. Thread-safe (NSLock).
private final class StopFlag: @unchecked Sendable {
  private let lock = NSLock()
  private var value = false
  func set() { lock.withLock { value = true } }
  var isSet: Bool { lock.withLock { value } }
}
