import Foundation
import XCTest

/// ES256 and EdDSA bearer tokens through the built binary: an issuer whose JWKS holds an RSA, an
/// EC P-256 and an Ed25519 key (Fixtures/jwt/jwks_algs.json, made by make_alg_fixtures.py).
final class JWTAlgorithmProxyTests: GatehouseTestCase {
  private var jwks: JWKSServer!

  override func tearDown() {
    jwks?.stop()
    super.tearDown()
  }

  private func start(algorithms: String) throws -> GatehouseProcess {
    jwks = try JWKSServer(body: try JWTFixtures.bytes("jwks_algs.json"))
    var config = ProxyConfig()
    config.routes = [("/public/", "public"), ("/", "jwt")]
    config.extraTOML = """

      [[jwt.issuer]]
      issuer = "https://login.example.com/"
      audiences = ["api.example.com"]
      jwks_uri = "\(jwks.url)"
      algorithms = \(algorithms)
      claim_headers = { email = "X-User-Email" }

      """
    return try startGatehouse(config)
  }

  private func token(_ name: String) throws -> String {
    try JWTFixtures.token(name, file: "tokens_algs.json")
  }

  func testES256AndEdDSATokensAreAcceptedAndAConfusedOneIsNot() throws {
    let gatehouse = try start(algorithms: #"["RS256", "ES256", "EdDSA"]"#)
    for (name, token) in [
      ("ES256", try token("es256")), ("EdDSA", try token("eddsa")), ("RS256", try JWTFixtures.token("good")),
    ] {
      let (response, forwarded) = try send(
        gatehouse, "GET", "/api/me",
        headers: [("Authorization", "Bearer \(token)"), ("X-User-Id", "spoofed")])
      XCTAssertEqual(response.status, 200, "\(name): \(gatehouse.logs)")
      let request = try XCTUnwrap(forwarded, "\(name) reached the upstream")
      XCTAssertEqual(request.headers.values("X-User-Id"), ["user-123"], name)
      XCTAssertEqual(request.headers.values("X-User-Email"), ["alice@example.com"], name)
    }

    // An ES256 header over a real RS256 signature by the RSA key k1: the RSA key never verifies ES256.
    let before = upstream.requests.count
    let (refused, _) = try send(
      gatehouse, "GET", "/api/me", headers: [("Authorization", "Bearer \(try token("es256_signed_by_k1"))")])
    XCTAssertEqual(refused.status, 401, gatehouse.logs)
    XCTAssertEqual(
      refused.headers.value("WWW-Authenticate"),
      "Bearer error=\"invalid_token\", error_description=\"unsupported_algorithm\"")
    assertNothingForwarded(after: before, "confused token", through: gatehouse, probe: "/public/probe")
  }

  func testAnAlgorithmTheIssuerDoesNotListIsRefused() throws {
    let gatehouse = try start(algorithms: #"["ES256"]"#)
    let (accepted, _) = try send(
      gatehouse, "GET", "/a", headers: [("Authorization", "Bearer \(try token("es256"))")])
    XCTAssertEqual(accepted.status, 200, gatehouse.logs)
    for (name, token) in [("EdDSA", try token("eddsa")), ("RS256", try JWTFixtures.token("good"))] {
      let before = upstream.requests.count
      let (response, _) = try send(gatehouse, "GET", "/b", headers: [("Authorization", "Bearer \(token)")])
      XCTAssertEqual(response.status, 401, name)
      XCTAssertEqual(
        response.headers.value("WWW-Authenticate"),
        "Bearer error=\"invalid_token\", error_description=\"unsupported_algorithm\"", name)
      assertNothingForwarded(after: before, name, through: gatehouse, probe: "/public/probe")
    }
  }
}
