import Foundation
import XCTest

/// The seed's metric names and labels, checked by scraping `/metrics` after real traffic:
/// validation durations by method and result, errors by `error_type`, L1 cache requests, Redis
/// command durations by operation, and the memory store's active sessions.
final class SessionMetricsTests: SessionTestCase {
  private var redis: RedisTestServer?
  private var jwks: JWKSServer?

  override func tearDown() {
    redis?.stop()
    jwks?.stop()
    super.tearDown()
  }

  /// The value of the series `name` whose labels include every pair of `labels`, or nil.
  private func value(_ metrics: String, _ name: String, _ labels: [String: String] = [:]) -> Double? {
    for line in metrics.split(separator: "\n") where line.hasPrefix(name + "{") || line.hasPrefix(name + " ")
    {
      let text = String(line)
      guard labels.allSatisfy({ text.contains("\($0.key)=\"\($0.value)\"") }),
        let number = text.split(separator: " ").last.flatMap({ Double($0) })
      else { continue }
      return number
    }
    return nil
  }

  func testSeedMetricsOnRedisWithJWT() throws {
    let redis = try RedisTestServer()
    self.redis = redis
    try redis.start()
    let jwks = try JWKSServer(body: try JWTFixtures.bytes("jwks_k1.json"))
    self.jwks = jwks
    var toml = sessionConfig(session: [
      "store = \"redis\"", "[redis]", "address = \"127.0.0.1:\(redis.port)\"",
    ])
    toml += sessionOrJWTSections(jwksURL: "\(jwks.url)")
    // The login happens on another process, so this one's first lookup misses its L1.
    let other = try startGatehouse(toml: toml)
    let gatehouse = try startGatehouse(toml: toml)
    for process in [other, gatehouse] {
      XCTAssertTrue(
        waitUntil(timeout: 15) { (try? self.admin(process, "GET", "/readyz").status) == 200 }, process.logs)
      waitForSessionStore(process)
    }

    let ticket = try login(other, "mia").ticket
    for _ in 0..<3 { XCTAssertTrue(try isAlive(gatehouse, ticket, "mia")) }
    XCTAssertFalse(try isAlive(gatehouse, tampered(ticket), "tampered"))
    XCTAssertEqual(try request(gatehouse, "GET", "/api/x", ticket: nil).response.status, 401)
    let good = [("Authorization", "Bearer \(try JWTFixtures.token("good"))")]
    XCTAssertEqual(try request(gatehouse, "GET", "/both/x", ticket: nil, headers: good).response.status, 200)
    let bad = [("Authorization", "Bearer not.a.token")]
    XCTAssertEqual(try request(gatehouse, "GET", "/both/x", ticket: nil, headers: bad).response.status, 401)

    let metrics = try admin(gatehouse, "GET", "/metrics").body
    let duration = "gatehouse_session_validation_duration_seconds_count"
    XCTAssertGreaterThanOrEqual(value(metrics, duration, ["method": "session", "result": "valid"]) ?? 0, 3)
    XCTAssertNotNil(
      value(metrics, duration, ["method": "session", "result": "unavailable"]), "series exists")
    XCTAssertGreaterThanOrEqual(value(metrics, duration, ["method": "jwt", "result": "valid"]) ?? 0, 1)
    XCTAssertGreaterThanOrEqual(value(metrics, duration, ["method": "jwt", "result": "invalid"]) ?? 0, 1)
    let errors = "gatehouse_session_errors_total"
    XCTAssertGreaterThanOrEqual(value(metrics, errors, ["error_type": "invalid_ticket"]) ?? 0, 1)
    XCTAssertGreaterThanOrEqual(value(metrics, errors, ["error_type": "no_session"]) ?? 0, 1)
    XCTAssertEqual(
      value(metrics, errors, ["error_type": "expired_idle"]), 0, "the whole vocabulary is exported")
    XCTAssertTrue(
      metrics.split(separator: "\n").contains {
        $0.hasPrefix("\(errors){error_type=\"jwt_") && !$0.hasSuffix(" 0")
      },
      "a JWT failure counted as jwt_<kind>")
    let cache = "gatehouse_session_cache_requests_total"
    XCTAssertGreaterThanOrEqual(value(metrics, cache, ["result": "hit"]) ?? 0, 1, "L1 hits")
    XCTAssertGreaterThanOrEqual(value(metrics, cache, ["result": "miss"]) ?? 0, 1, "L1 misses")
    let command = "gatehouse_redis_command_duration_seconds_count"
    XCTAssertNotNil(value(metrics, command, ["operation": "create"]))
    let otherMetrics = try admin(other, "GET", "/metrics").body
    XCTAssertGreaterThanOrEqual(value(otherMetrics, command, ["operation": "create"]) ?? 0, 1)
    XCTAssertGreaterThanOrEqual(value(metrics, command, ["operation": "load"]) ?? 0, 1)
    XCTAssertNotNil(value(metrics, command, ["operation": "revoke_all"]), "every operation has a series")
    XCTAssertNil(value(metrics, "gatehouse_active_sessions"), "no fleet-wide count with Redis")
  }

  func testActiveSessionsOnTheMemoryStore() throws {
    let gatehouse = try startSessionGatehouse()
    _ = try login(gatehouse, "noa")
    _ = try login(gatehouse, "oli")
    let metrics = try admin(gatehouse, "GET", "/metrics").body
    XCTAssertEqual(value(metrics, "gatehouse_active_sessions"), 2, "two live sessions")
  }
}
