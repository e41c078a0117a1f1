import Foundation
import XCTest

/// `[assertion]` through the built binary: the app receives a signed assertion (never a
/// client-sent copy), the same one across requests of a session generation and a new one after
/// an elevation; the admin listener publishes the public keys; and a second Gatehouse that
/// trusts the first one's JWKS accepts the assertion as a bearer token (A → app → B).
final class AssertionTests: SessionTestCase {
  static let header = "X-Gatehouse-Assertion"
  static let issuer = "https://gatehouse-a.internal/"

  /// Gatehouse A: sessions plus an assertion signed with the fixture RSA key k1 (RS256, so
  /// Gatehouse B verifies it with the algorithm every build has).
  private func startA(extra: String = "") throws -> GatehouseProcess {
    try startGatehouse(
      toml: sessionConfig() + """

        [assertion]
        issuer = "\(Self.issuer)"
        audience = "orders-app"
        ttl = "5m"
        algorithm = "RS256"
        keys = ["file:\(JWTFixtures.path("k1.pem"))"]
        claims = { roles = "role" }
        \(extra)
        """)
  }

  /// `public_jwks_path`: the public listener serves the admin listener's key set at that exact
  /// path, cacheable, without a route or a session; other methods are refused and the path
  /// never reaches the app.
  func testTheKeySetIsAlsoServedOnAPublicPath() throws {
    let a = try startA(extra: "public_jwks_path = \"/.well-known/gatehouse-jwks.json\"")
    let adminSet = try admin(a, "GET", "/.well-known/jwks.json")
    XCTAssertEqual(adminSet.status, 200)
    let (response, forwarded) = try request(a, "GET", "/.well-known/gatehouse-jwks.json", ticket: nil)
    XCTAssertEqual(response.status, 200, "\(response)")
    XCTAssertEqual(response.bodyText, adminSet.body, "the same key set")
    XCTAssertEqual(response.headers.values("Cache-Control"), ["public, max-age=300"])
    XCTAssertNil(forwarded, "answered by Gatehouse")
    let (post, postForwarded) = try request(a, "POST", "/.well-known/gatehouse-jwks.json", ticket: nil)
    XCTAssertEqual(post.status, 405)
    XCTAssertNil(postForwarded)
    let (other, _) = try request(a, "GET", "/.well-known/gatehouse-jwks.json.bak", ticket: nil)
    XCTAssertNotEqual(other.status, 200, "only the exact path")
  }

  private func assertion(_ gatehouse: GatehouseProcess, _ ticket: String, _ name: String) throws -> String {
    let (response, forwarded) = try request(
      gatehouse, "GET", "/app/whoami", ticket: ticket, headers: [(Self.header, "forged.by.client")])
    XCTAssertEqual(response.status, 200, "\(name): \(response)")
    let values = forwarded?.headers.values(Self.header) ?? []
    XCTAssertEqual(values.count, 1, "\(name): exactly Gatehouse's assertion, the client's was stripped")
    XCTAssertNotEqual(values.first, "forged.by.client", name)
    return try XCTUnwrap(values.first, name)
  }

  private func claims(_ token: String) throws -> [String: Any] {
    let parts = token.split(separator: ".")
    XCTAssertEqual(parts.count, 3, "a compact JWS")
    var payload = String(parts[1]).replacingOccurrences(of: "-", with: "+").replacingOccurrences(
      of: "_", with: "/")
    while payload.count % 4 != 0 { payload += "=" }
    let data = try XCTUnwrap(Data(base64Encoded: payload))
    return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  func testAppReceivesAReusedAssertionThatASecondGatehouseAccepts() throws {
    let a = try startA()
    let ticket = try login(a, "alice", attributes: "role=admin,ops").ticket

    let first = try assertion(a, ticket, "first request")
    let second = try assertion(a, ticket, "second request")
    XCTAssertEqual(first, second, "signed once, reused within the generation")
    let payload = try claims(first)
    XCTAssertEqual(payload["iss"] as? String, Self.issuer)
    XCTAssertEqual(payload["aud"] as? String, "orders-app")
    XCTAssertEqual(payload["sub"] as? String, "alice")
    XCTAssertEqual(payload["amr"] as? [String], ["session"])
    XCTAssertEqual(payload["roles"] as? [String], ["admin", "ops"], "a list attribute stays a list")
    let sid = try XCTUnwrap(payload["sid"] as? String)
    XCTAssertEqual(sid.count, 64, "the session hash")
    XCTAssertEqual(String(sid.prefix(16)), try identity(a, ticket).hash, "X-Session-Hash is its prefix")
    let iat = try XCTUnwrap(payload["iat"] as? Int)
    XCTAssertEqual(try XCTUnwrap(payload["exp"] as? Int) - iat, 300)
    XCTAssertNotNil(payload["jti"] as? String)
    XCTAssertEqual((payload["trace_id"] as? String)?.count, 32)

    // The public keys, without a token: RS256, kid = RFC 7638 thumbprint, no private member.
    let jwks = try admin(a, "GET", "/.well-known/jwks.json")
    XCTAssertEqual(jwks.status, 200, jwks.body)
    let set = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(jwks.body.utf8)) as? [String: [[String: String]]])
    let key = try XCTUnwrap(set["keys"]?.first)
    XCTAssertEqual(key["kty"], "RSA")
    XCTAssertEqual(key["alg"], "RS256")
    XCTAssertEqual(key["kid"]?.count, 43)
    XCTAssertNil(key["d"], "public members only")
    let header = try XCTUnwrap(
      try JSONSerialization.jsonObject(
        with: Data(base64Encoded: Self.padded(String(first.split(separator: ".")[0])))!) as? [String: String])
    XCTAssertEqual(header["kid"], key["kid"], "the assertion names the published key")

    // Rotation of the session (an elevation) makes a new generation: a new assertion, new sid.
    let (elevated, _) = try request(a, "GET", "/elevate", ticket: ticket)
    XCTAssertEqual(elevated.status, 200, "\(elevated)")
    let rotated = try XCTUnwrap(sessionSetCookie(elevated, "elevate").map(cookieValue))
    let renewed = try assertion(a, rotated, "after elevation")
    XCTAssertNotEqual(renewed, first, "renewed after the session changed")
    XCTAssertNotEqual(try claims(renewed)["sid"] as? String, sid)

    // Gatehouse B in front of the next service trusts A's JWKS and takes the assertion as a token.
    let b = try startGatehouse(
      toml: """
        [server]
        listen = "127.0.0.1:{PORT}"
        workers = 1

        [upstream]
        address = "127.0.0.1:{UPSTREAM_PORT}"

        [admin]
        listen = "127.0.0.1:{ADMIN_PORT}"

        [[jwt.issuer]]
        issuer = "\(Self.issuer)"
        audiences = ["orders-app"]
        jwks_uri = "http://127.0.0.1:\(a.adminPort)/.well-known/jwks.json"
        claim_headers = { roles = "X-Roles" }

        [[route]]
        path_prefix = "/"
        auth = "jwt"

        [assertion]
        issuer = "https://gatehouse-b.internal/"
        claims = { roles = "roles" }

        """)
    let (response, forwarded) = try send(
      b, "GET", "/orders", headers: [("Authorization", "Bearer \(renewed)")])
    XCTAssertEqual(response.status, 200, "B accepts A's assertion: \(response) \(b.logs)")
    XCTAssertEqual(forwarded?.headers.value("X-User-Id"), "alice")
    XCTAssertEqual(forwarded?.headers.value("X-Roles"), "admin,ops")
    let (forged, _) = try send(b, "GET", "/orders", headers: [("Authorization", "Bearer \(renewed)x")])
    XCTAssertEqual(forged.status, 401, "a tampered assertion is refused")

    // B passes identity on too (a generated ES256 key, with a warning): from the token, reused
    // for the same token, naming the token's sid.
    XCTAssertTrue(b.stdoutText.contains("[assertion] has no keys"), b.logs)
    let fromToken = try XCTUnwrap(forwarded?.headers.value(Self.header))
    let (_, again) = try send(b, "GET", "/orders", headers: [("Authorization", "Bearer \(renewed)")])
    XCTAssertEqual(again?.headers.value(Self.header), fromToken, "reused for the same token")
    let passedOn = try claims(fromToken)
    XCTAssertEqual(passedOn["amr"] as? [String], ["jwt"])
    XCTAssertEqual(passedOn["sub"] as? String, "alice")
    XCTAssertEqual(passedOn["sid"] as? String, try claims(renewed)["sid"] as? String)
    XCTAssertEqual(passedOn["roles"] as? [String], ["admin", "ops"], "an array claim stays an array")
    XCTAssertLessThanOrEqual(
      try XCTUnwrap(passedOn["exp"] as? Int), try XCTUnwrap(try claims(renewed)["exp"] as? Int),
      "never outlives the token it speaks for")
  }

  private static func padded(_ text: String) -> String {
    var out = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while out.count % 4 != 0 { out += "=" }
    return out
  }
}
