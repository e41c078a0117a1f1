import Foundation
import XCTest

/// `on_store_unavailable = "jwt_only"`: while Redis is unreachable, session requests that the L1
/// cache cannot answer get 503 on every route, and `session_or_jwt` routes keep accepting bearer
/// tokens (they never need the store).
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
      "store = \"redis\"", "[session.cache]", "enabled = false", "[redis]", "address = \"127.0.0.1:\(redis.port)\"", "command_timeout = \"50ms\"",
      "breaker_failures = 2", "breaker_cooldown = \"300ms\"", "on_store_unavailable = \"jwt_only\"",
    ])
    toml += """

      [[jwt.issuer]]
      issuer = "https://login.example.com/"
      audiences = ["api.example.com"]
      jwks_uri = "\(jwks.url)"

      [[route]]
      path_prefix = "/both/"
      auth = "session_or_jwt"
      on_unauthenticated = "deny"

      """
    let gatehouse = try startGatehouse(toml: toml)
    XCTAssertTrue(
      waitUntil(timeout: 5) { (try? self.admin(gatehouse, "GET", "/readyz").status) == 200 },
      "ready: \(gatehouse.logs)")
    Thread.sleep(forTimeInterval: 0.2)
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
    XCTAssertNil(sessionSetCookie(loginDuringOutage, "login during the outage"), "no cookie for a refused login")

    redis.resume()
    let recovered = waitUntil(timeout: 5) {
      (try? self.request(gatehouse, "GET", "/both/x", ticket: session).response.status) == 200
    }
    XCTAssertTrue(recovered, "the session works again after the outage")
  }
}
