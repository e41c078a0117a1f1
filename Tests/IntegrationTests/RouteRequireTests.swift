import Foundation
import XCTest

/// `[[route]] require` through the built binary: a session's attributes and a token's claims
/// decide 200 or 403 (JSON), and the refusal is a `forbidden` security event naming the route
/// and the failed condition, never a value.
final class RouteRequireTests: SessionTestCase {
  private var jwks: JWKSServer!

  override func tearDown() {
    jwks?.stop()
    super.tearDown()
  }

  private func start() throws -> GatehouseProcess {
    jwks = try JWKSServer(body: try JWTFixtures.bytes("jwks_k1.json"))
    var toml = sessionConfig()
    toml += """

      [[jwt.issuer]]
      issuer = "https://login.example.com/"
      audiences = ["api.example.com"]
      jwks_uri = "\(jwks.url)"

      [[route]]
      name = "admin-area"
      path_prefix = "/admin/"
      auth = "session_or_jwt"
      on_unauthenticated = "deny"
      require = { any_of = [{ role = "admin" }, { roles = "admin" }] }

      [[route]]
      name = "ops-area"
      path_prefix = "/ops/"
      auth = "session_or_jwt"
      on_unauthenticated = "deny"
      require = { roles = "ops", present = "tenant" }

      """
    return try startGatehouse(toml: toml)
  }

  func testSessionAttributesAndJWTClaimsDecide() throws {
    let gatehouse = try start()
    let admin = try login(gatehouse, "alice", attributes: "role=admin").ticket
    let operator_ = try login(gatehouse, "bob", attributes: "roles=ops, billing; tenant=t9").ticket
    let plain = try login(gatehouse, "carol").ticket
    // The fixture token carries roles = ["admin"] and tenant = "t1".
    let bearer = [("Authorization", "Bearer \(try JWTFixtures.token("good"))")]

    let cases: [(name: String, path: String, ticket: String?, headers: [(String, String)], status: Int)] = [
      ("session role equals", "/admin/x", admin, [], 200),
      ("session without the attribute", "/admin/x", plain, [], 403),
      ("session attribute list contains", "/ops/x", operator_, [], 200),
      ("session list lacks", "/admin/x", operator_, [], 403),
      ("session: one key of the table fails", "/ops/x", admin, [], 403),
      ("jwt array claim contains", "/admin/x", nil, bearer, 200),
      ("jwt array claim lacks", "/ops/x", nil, bearer, 403),
      ("no credentials is still 401", "/admin/x", nil, [], 401),
    ]
    for c in cases {
      let (response, forwarded) = try request(gatehouse, "GET", c.path, ticket: c.ticket, headers: c.headers)
      XCTAssertEqual(response.status, c.status, "\(c.name): \(response)")
      if c.status == 200 {
        XCTAssertNotNil(forwarded, "\(c.name): allowed but not forwarded")
      } else {
        XCTAssertNil(forwarded, "\(c.name): refused but forwarded")
      }
      if c.status == 403 {
        XCTAssertEqual(response.headers.value("Content-Type"), "application/json", c.name)
        XCTAssertTrue(response.bodyText.contains("forbidden"), "\(c.name): \(response.bodyText)")
      }
    }
    XCTAssertTrue(
      waitUntil(timeout: 15) { gatehouse.stdoutText.contains("require ops-area: roles") }, gatehouse.logs)
    let events = gatehouse.stdoutText.split(separator: "\n").filter { $0.contains("\"reason\":\"require ") }
    XCTAssertFalse(events.isEmpty, gatehouse.stdoutText)
    for event in events {
      XCTAssertTrue(event.contains("\"kind\":\"forbidden\""), String(event))
      for value in ["billing", "\"admin\"", "t9", "t1"] {
        XCTAssertFalse(event.contains(value), "a value in the security event: \(event)")
      }
    }
  }
}
