import Foundation
import XCTest

@testable import Proxy

final class StatusSnapshotTests: XCTestCase {
  private let exposition = MetricsExposition.parse(
    Array(
      """
      gatehouse_requests_total{route="api",method_class="read",status_class="2xx"} 90
      gatehouse_requests_total{route="api",method_class="read",status_class="4xx"} 8
      gatehouse_requests_total{route="api",method_class="write",status_class="5xx"} 2
      gatehouse_requests_total{route="-",method_class="read",status_class="4xx"} 3
      gatehouse_requests_total{route="web",method_class="read",status_class="2xx"} 100
      gatehouse_auth_failures_total{route="api",reason="unauthenticated"} 5
      gatehouse_auth_failures_total{route="api",reason="csrf"} 1
      gatehouse_auth_failures_total{route="-",reason="unauthenticated"} 3
      gatehouse_jwt_validations_total{result="ok"} 7
      gatehouse_jwt_validations_total{result="expired"} 2
      gatehouse_session_validation_duration_seconds_count 40
      gatehouse_session_invalid_tickets_total 4
      gatehouse_session_binding_mismatches_total 1
      gatehouse_csrf_failures_total 1
      gatehouse_sessions_destroyed_total{reason="idle"} 2
      gatehouse_client_connections 12
      gatehouse_upstream_pool_connections{state="idle"} 3
      gatehouse_upstream_pool_connections{state="busy"} 1
      """.utf8))

  private func json(_ value: some Any) throws -> [String: Any] {
    try XCTUnwrap(value as? [String: Any])
  }

  func testRoutesSortedByRequestsWithErrorsAndAuthFailures() {
    let routes = TrafficStatus.routes(exposition)
    XCTAssertEqual(
      routes,
      [
        RouteStatus(name: "api", requests: 100, clientErrors: 8, serverErrors: 2, authFailures: 6),
        RouteStatus(name: "web", requests: 100, clientErrors: 0, serverErrors: 0, authFailures: 0),
        RouteStatus(name: "-", requests: 3, clientErrors: 3, serverErrors: 0, authFailures: 3),
      ])
  }

  func testSessionResultsUseTheGradedVocabularyWhenPresent() {
    let legacy = AuthStatus.sessionResults(exposition)
    XCTAssertEqual(
      legacy.map(\.0),
      ["checked", "invalid_ticket", "expired_idle", "expired_absolute", "binding_mismatch", "csrf"])
    XCTAssertEqual(legacy.map(\.1), [40, 4, 2, 0, 1, 1])
    let graded = MetricsExposition.parse(
      Array(
        """
        gatehouse_session_validation_duration_seconds_count 10
        gatehouse_session_errors_total{error_type="unknown_session"} 3
        gatehouse_session_errors_total{error_type="expired_idle"} 1
        """.utf8))
    let results = AuthStatus.sessionResults(graded)
    XCTAssertEqual(results.map(\.0), ["checked", "expired_idle", "unknown_session"])
    XCTAssertEqual(results.map(\.1), [10, 1, 3])
  }

  func testDocumentMembersAndNulls() throws {
    var history = TrafficHistory()
    history.record(TrafficReading(byClass: [0, 10, 0, 0, 0]), at: 1)
    history.record(TrafficReading(byClass: [0, 30, 0, 1, 0], logins: 2), at: 2)
    let snapshot = StatusSnapshot(
      generatedAt: 1_700_000_000_000_000_000,
      health: HealthVerdict(status: .degraded, reasons: ["jwks: no keys yet"], source: "test"),
      traffic: TrafficStatus(history: history, exposition: exposition),
      auth: AuthStatus(history: history, exposition: exposition),
      sessions: SessionStatus(
        store: "redis", activeSessions: nil, cacheEnabled: true, cacheEntries: 4, cacheHitRateMinute: 0.98766,
        cacheHitRateTotal: nil,
        redis: RedisStatus(
          workers: 2, connectedWorkers: 1, breaker: "open", openBreakers: 1, invalidationsSubscribed: false,
          p99Milliseconds: 1.23456,
          topology: .sentinel(
            masterName: "gh", master: "10.0.0.1:6379", replica: nil, sentinels: ["10.0.0.9:26379"]))),
      issuers: [
        IssuerStatus(
          name: "https://idp", keys: 2, usable: true, keySetAgeSeconds: 12.6, lastFetch: "ok",
          nextRefreshSeconds: 287.2)
      ],
      process: ProcessStatus(
        version: "9.9.9", uptimeSeconds: 61.4, workers: 2, configGeneration: 3,
        configLoadedAt: 1_700_000_000_000_000_000,
        residentBytes: 1 << 20, clientConnections: 12, upstreamIdle: 3, upstreamBusy: 1))
    let root = try json(JSONSerialization.jsonObject(with: Data(snapshot.body)))
    XCTAssertEqual(root["generated_at"] as? String, "2023-11-14T22:13:20.000Z")
    let health = try json(root["health"])
    XCTAssertEqual(health["status"] as? String, "degraded")
    XCTAssertEqual(health["reasons"] as? [String], ["jwks: no keys yet"])

    let traffic = try json(root["traffic"])
    XCTAssertEqual(traffic["requests_per_second"] as? Int, 21, "21 requests in one second")
    XCTAssertTrue(try json(traffic["latency_ms"])["p50"] is NSNull, "no latency measured: null, never 0")
    let series = try json(traffic["series"])
    XCTAssertEqual(series["requests"] as? [Int], [21])
    XCTAssertEqual((series["p99_ms"] as? [Any])?.count, 1)
    XCTAssertEqual(Set(series.keys), ["requests", "1xx", "2xx", "3xx", "4xx", "5xx", "p50_ms", "p99_ms"])
    let routes = try XCTUnwrap(traffic["routes"] as? [[String: Any]])
    XCTAssertEqual(routes.first?["name"] as? String, "api")
    XCTAssertEqual(routes.first?["auth_failures"] as? Int, 6)

    let auth = try json(root["auth"])
    XCTAssertEqual(auth["logins_per_minute"] as? Int, 2)
    XCTAssertEqual(auth["csrf_failures"] as? Int, 1)
    let jwt = try XCTUnwrap(auth["jwt_results"] as? [[String: Any]])
    XCTAssertEqual(jwt.map { $0["result"] as? String }, ["expired", "ok"])

    let sessions = try json(root["sessions"])
    XCTAssertTrue(sessions["active"] is NSNull, "not tracked for Redis: null")
    XCTAssertEqual(try json(sessions["cache"])["hit_rate_minute"] as? Double, 0.9877)
    let redis = try json(sessions["redis"])
    XCTAssertEqual(redis["breaker"] as? String, "open")
    XCTAssertEqual(redis["p99_ms"] as? Double, 1.235)
    let topology = try json(redis["topology"])
    XCTAssertEqual(topology["kind"] as? String, "sentinel")
    XCTAssertTrue(topology["replica"] is NSNull)

    let issuer = try XCTUnwrap((try json(root["jwt"])["issuers"] as? [[String: Any]])?.first)
    XCTAssertEqual(issuer["key_set_age_seconds"] as? Int, 13)
    XCTAssertEqual(issuer["next_refresh_seconds"] as? Int, 287)

    let process = try json(root["process"])
    XCTAssertEqual(process["version"] as? String, "9.9.9")
    XCTAssertEqual(process["rss_bytes"] as? Int, 1 << 20)
    XCTAssertEqual(try json(process["upstream_connections"])["busy"] as? Int, 1)
  }

  func testWithoutSessionsTheMemberIsNull() throws {
    let snapshot = StatusSnapshot(
      generatedAt: 0, health: HealthVerdict(status: .healthy, reasons: [], source: "test"),
      traffic: TrafficStatus(history: TrafficHistory(), exposition: MetricsExposition()),
      auth: AuthStatus(history: TrafficHistory(), exposition: MetricsExposition()), sessions: nil,
      issuers: [],
      process: ProcessStatus(
        version: "1", uptimeSeconds: 0, workers: 1, configGeneration: 1, configLoadedAt: 0,
        residentBytes: nil,
        clientConnections: 0, upstreamIdle: 0, upstreamBusy: 0))
    let root = try json(JSONSerialization.jsonObject(with: Data(snapshot.body)))
    XCTAssertTrue(root["sessions"] is NSNull)
    XCTAssertTrue(try json(root["traffic"])["requests_per_second"] is NSNull, "no second reading yet")
    XCTAssertTrue(try json(root["process"])["rss_bytes"] is NSNull)
  }

  func testNumbersRoundForPeopleAndNeverEmitNonFinite() {
    XCTAssertEqual(StatusNumber.rounded(3.14159).description, "3.14")
    XCTAssertEqual(StatusNumber.rounded(2.0).description, "2")
    XCTAssertEqual(StatusNumber.rounded(0.0004, places: 3).description, "0")
    XCTAssertEqual(StatusNumber.rounded(.nan).description, "null")
    XCTAssertEqual(StatusNumber.rounded(.infinity).description, "null")
    XCTAssertEqual(StatusNumber.rounded(nil).description, "null")
  }
}
