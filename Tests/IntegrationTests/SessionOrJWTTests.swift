import Foundation
import XCTest

/// `auth = "session_or_jwt"`: a Bearer header makes it a JWT request, anything else a session
/// request — a bad token is not rescued by a valid cookie.
final class SessionOrJWTTests: SessionTestCase {
  private var jwks: JWKSServer!

  override func tearDown() {
    jwks?.stop()
    super.tearDown()
  }

  private func start() throws -> GatehouseProcess {
    jwks = try JWKSServer(body: try JWTFixtures.bytes("jwks_k1.json"))
    var toml = sessionConfig()
    toml += sessionOrJWTSections(jwksURL: "\(jwks.url)")
    return try startGatehouse(toml: toml)
  }

  func testBearerIsJudgedAsJWTAndCookieAsSession() throws {
    let gatehouse = try start()
    let token = try JWTFixtures.token("good")
    let session = try login(gatehouse, "alice").ticket

    let cases: [(name: String, ticket: String?, authorization: String?, status: Int, method: String?)] = [
      ("token only", nil, "Bearer \(token)", 200, "jwt"),
      ("cookie only", session, nil, 200, "session"),
      ("neither", nil, nil, 401, nil),
      ("bad token with a good cookie", session, "Bearer \(token)x", 401, nil),
      ("good token with a forged cookie", tampered(session), "Bearer \(token)", 200, "jwt"),
    ]
    for c in cases {
      var headers: [(String, String)] = []
      if let authorization = c.authorization { headers.append(("Authorization", authorization)) }
      let (response, forwarded) = try request(gatehouse, "GET", "/both/x", ticket: c.ticket, headers: headers)
      XCTAssertEqual(response.status, c.status, "\(c.name): \(response)")
      XCTAssertEqual(forwarded?.headers.value("X-Auth-Method"), c.method, c.name)
      if c.status != 200 { XCTAssertNil(forwarded, "\(c.name): refused but forwarded") }
    }
  }
}
