import Foundation
import XCTest

/// `on_store_unavailable = "jwt_only"`: while Redis is unreachable, session requests that the L1
/// cache cannot answer get 503 on every route, `session_or_jwt` routes keep accepting bearer
/// tokens (they never need the store), and `session` routes accept them too — which `"deny"`
/// does not (docs/operations.md §1).
final class RedisJWTOnlyOutageTests: SessionTestCase {
  private var redis: RedisTestServer!
  private var jwks: JWKSServer!

  override func setUpWithError() throws {
    try super.setUpWithError()
    redis = try RedisTestServer()
    try redis.start()
    jwks = try JWKSServer(body: try JWTFixtures.bytes("jwks_k1.json"))
  }

  override func tearDown() {
    redis?.resume()
    redis?.stop()
    jwks?.stop()
    super.tearDown()
  }

  func testBearerTokensStillWorkAndUncachedSessionsGet503() throws {
    // No L1 cache: every session lookup needs the store, so the outage shows at once.
    var toml = sessionConfig(session: [
      "store = \"redis\"", "[session.cache]", "enabled = false", "[redis]",
      "address = \"127.0.0.1:\(redis.port)\"", "command_timeout = \"500ms\"",
      "breaker_failures = 2", "breaker_cooldown = \"300ms\"", "on_store_unavailable = \"jwt_only\"",
    ])
    toml += sessionOrJWTSections(jwksURL: "\(jwks.url)")
    let gatehouse = try startGatehouse(toml: toml)
    XCTAssertTrue(
      waitUntil(timeout: 15) { (try? self.admin(gatehouse, "GET", "/readyz").status) == 200 },
      "ready: \(gatehouse.logs)")
    waitForSessionStore(gatehouse)
    let session = try login(gatehouse, "ivy").ticket
    let token = try JWTFixtures.token("good")

    XCTAssertTrue(try isAlive(gatehouse, session, "session before the outage"))

    redis.pause()
    for attempt in 0..<4 {
      let (bearer, forwarded) = try request(
        gatehouse, "GET", "/both/x", ticket: nil, headers: [("Authorization", "Bearer \(token)")])
      XCTAssertEqual(bearer.status, 200, "bearer during the outage, attempt \(attempt): \(bearer)")
      XCTAssertEqual(forwarded?.headers.value("X-Auth-Method"), "jwt", "attempt \(attempt)")
    }
    for attempt in 0..<4 {
      let (cookie, forwarded) = try request(gatehouse, "GET", "/both/x", ticket: session)
      XCTAssertEqual(cookie.status, 503, "session request during the outage, attempt \(attempt): \(cookie)")
      XCTAssertNotNil(cookie.headers.value("Retry-After"), "503 carries Retry-After, attempt \(attempt)")
      XCTAssertNil(forwarded, "nothing forwarded on 503, attempt \(attempt)")
    }
    let (loginDuringOutage, _) = try send(gatehouse, "GET", "/login-as/kim")
    XCTAssertEqual(loginDuringOutage.status, 503, "login during the outage: \(loginDuringOutage)")
    XCTAssertNil(
      sessionSetCookie(loginDuringOutage, "login during the outage"), "no cookie for a refused login")

    redis.resume()
    let recovered = waitUntil(timeout: 15) {
      (try? self.request(gatehouse, "GET", "/both/x", ticket: session).response.status) == 200
    }
    XCTAssertTrue(recovered, "the session works again after the outage")
  }

  /// One worker, no L1, breaker opening at the first failure: a gatehouse in `mode`.
  private func outageGatehouse(_ mode: String) throws -> GatehouseProcess {
    var toml = sessionConfig(session: [
      "store = \"redis\"", "[session.cache]", "enabled = false", "[redis]",
      "address = \"127.0.0.1:\(redis.port)\"", "command_timeout = \"500ms\"", "breaker_failures = 1",
      "breaker_cooldown = \"60s\"", "on_store_unavailable = \"\(mode)\"",
    ]).replacingOccurrences(of: "workers = 2", with: "workers = 1")
    toml += """

      [[jwt.issuer]]
      issuer = "https://login.example.com/"
      audiences = ["api.example.com"]
      jwks_uri = "\(jwks.url)"

      """
    let gatehouse = try startGatehouse(toml: toml)
    XCTAssertTrue(
      waitUntil(timeout: 15) { (try? self.admin(gatehouse, "GET", "/readyz").status) == 200 },
      "ready: \(gatehouse.logs)")
    waitForSessionStore(gatehouse)
    return gatehouse
  }

  func testSessionRoutesTakeBearerTokensOnlyUnderJWTOnly() throws {
    let deny = try outageGatehouse("deny")
    let jwtOnly = try outageGatehouse("jwt_only")
    let denySession = try login(deny, "ivy").ticket
    let jwtOnlySession = try login(jwtOnly, "kim").ticket
    let bearer = [("Authorization", "Bearer \(try JWTFixtures.token("good"))")]

    // While the store works, a session route refuses a bearer token in both modes.
    for gatehouse in [deny, jwtOnly] {
      let (answer, forwarded) = try request(gatehouse, "GET", "/api/x", ticket: nil, headers: bearer)
      XCTAssertEqual(answer.status, 401, "bearer on a session route, store up: \(answer)")
      XCTAssertNil(forwarded)
    }

    redis.pause()
    // The first session lookup of each process fails and opens its breaker.
    for (gatehouse, ticket) in [(deny, denySession), (jwtOnly, jwtOnlySession)] {
      let (answer, _) = try request(gatehouse, "GET", "/api/x", ticket: ticket)
      XCTAssertEqual(answer.status, 503, "cookie during the outage: \(answer)")
    }
    // The same request: refused under deny, taken as a JWT request under jwt_only.
    let (denied, notForwarded) = try request(deny, "GET", "/api/x", ticket: nil, headers: bearer)
    XCTAssertEqual(denied.status, 401, "deny: a session route never takes a bearer token: \(denied)")
    XCTAssertNil(notForwarded)
    let (allowed, forwarded) = try request(jwtOnly, "GET", "/api/x", ticket: nil, headers: bearer)
    XCTAssertEqual(allowed.status, 200, "jwt_only: the bearer token opens the session route: \(allowed)")
    XCTAssertEqual(forwarded?.headers.value("X-Auth-Method"), "jwt")
    // A bad token is still refused, and a cookie-only request still gets 503.
    let (forged, _) = try request(
      jwtOnly, "GET", "/api/x", ticket: nil, headers: [("Authorization", "Bearer not.a.token")])
    XCTAssertEqual(forged.status, 401, "jwt_only: an invalid token: \(forged)")
    let (cookieOnly, _) = try request(jwtOnly, "GET", "/api/x", ticket: jwtOnlySession)
    XCTAssertEqual(cookieOnly.status, 503, "jwt_only: cookie-only request: \(cookieOnly)")
    XCTAssertNotNil(cookieOnly.headers.value("Retry-After"))
  }
}
