import Foundation
import Synchronization
import XCTest

/// `auth = "jwt"` end to end: the built binary, the echo upstream, and a JWKS server in the test
/// process that rotates keys, fails and goes away.
final class JWTProxyTests: GatehouseTestCase {
  private var jwks: JWKSServer!

  override func tearDown() {
    jwks?.stop()
    super.tearDown()
  }

  /// Routes: `/public/` is public (the probe), everything else needs a JWT.
  private func startWithJWT(
    jwksBody: String = "jwks_k1.json", issuerExtra: String = "", jwtExtra: String = ""
  ) throws -> GatehouseProcess {
    jwks = try JWKSServer(body: try JWTFixtures.bytes(jwksBody))
    var config = ProxyConfig()
    config.routes = [("/public/", "public"), ("/", "jwt")]
    config.extraTOML = """

      [jwt]
      \(jwtExtra)

      [[jwt.issuer]]
      issuer = "https://login.example.com/"
      audiences = ["api.example.com"]
      jwks_uri = "\(jwks.url)"
      claim_headers = { email = "X-User-Email", tenant = "X-Tenant-Id", roles = "X-Roles", note = "X-Note", level = "X-Level" }
      \(issuerExtra)

      """
    return try startGatehouse(config)
  }

  private func bearer(_ token: String) -> [(String, String)] { [("Authorization", "Bearer \(token)")] }

  func testGoodTokenReachesUpstreamWithIdentityHeadersAndNoSpoofedOnes() throws {
    let gatehouse = try startWithJWT()
    let token = try JWTFixtures.token("good")
    let (response, forwarded) = try send(
      gatehouse, "GET", "/api/me",
      headers: bearer(token) + [
        ("X-User-Id", "spoofed"), ("X-Auth-Method", "spoofed"), ("X-Tenant-Id", "spoofed"),
        ("X-User-Email", "spoofed@evil"),
      ])
    XCTAssertEqual(response.status, 200, gatehouse.logs)
    let request = try XCTUnwrap(forwarded, "the request reached the upstream")
    XCTAssertEqual(request.headers.values("X-User-Id"), ["user-123"])
    XCTAssertEqual(request.headers.values("X-Auth-Method"), ["jwt"])
    XCTAssertEqual(request.headers.values("X-User-Email"), ["alice@example.com"])
    XCTAssertEqual(request.headers.values("X-Tenant-Id"), ["t1"])
    XCTAssertEqual(request.headers.values("X-Level"), ["3"], "numbers are scalars")
    XCTAssertEqual(request.headers.values("X-Roles"), ["admin"], "arrays are joined with commas")
    XCTAssertEqual(request.headers.values("X-Note"), [], "a value with CR/LF is dropped")
    XCTAssertEqual(request.headers.values("Authorization"), ["Bearer \(token)"], "forwarded by default")
    XCTAssertEqual(jwks.requestCount, 1, "one fetch at start")
  }

  func testAuthorizationRemovedWhenNotForwardedAndCookieAccepted() throws {
    let gatehouse = try startWithJWT(
      issuerExtra: "forward_authorization = false", jwtExtra: "token_cookie = \"at\"")
    let token = try JWTFixtures.token("good")
    let (viaHeader, forwardedHeader) = try send(gatehouse, "GET", "/header", headers: bearer(token))
    XCTAssertEqual(viaHeader.status, 200, gatehouse.logs)
    XCTAssertEqual(forwardedHeader?.headers.values("Authorization"), [], "Authorization stripped")
    XCTAssertEqual(forwardedHeader?.headers.values("X-User-Id"), ["user-123"])
    let (viaCookie, forwardedCookie) = try send(
      gatehouse, "GET", "/cookie", headers: [("Cookie", "theme=dark; at=\(token)")])
    XCTAssertEqual(viaCookie.status, 200, gatehouse.logs)
    XCTAssertEqual(forwardedCookie?.headers.values("X-User-Id"), ["user-123"])
  }

  func testRefusedTokensNeverReachTheUpstream() throws {
    let gatehouse = try startWithJWT()
    struct Case {
      let name: String
      let headers: [(String, String)]
      let status: Int
      let challenge: String
    }
    func invalid(_ code: String) -> String { "Bearer error=\"invalid_token\", error_description=\"\(code)\"" }
    let cases: [Case] = [
      Case(name: "no token", headers: [], status: 401, challenge: "Bearer"),
      Case(
        name: "basic scheme", headers: [("Authorization", "Basic dXNlcjpwYXNz")], status: 401,
        challenge: "Bearer"),
      Case(
        name: "two Authorization fields",
        headers: bearer(try JWTFixtures.token("good")) + bearer(try JWTFixtures.token("good")), status: 401,
        challenge: "Bearer"),
      Case(
        name: "bearer without token", headers: [("Authorization", "Bearer ")], status: 401,
        challenge: invalid("malformed")),
      Case(
        name: "two tokens", headers: [("Authorization", "Bearer a.b.c d.e.f")], status: 401,
        challenge: invalid("malformed")),
      Case(
        name: "expired", headers: bearer(try JWTFixtures.token("expired")), status: 401,
        challenge: invalid("expired")),
      Case(
        name: "wrong audience", headers: bearer(try JWTFixtures.token("wrong_audience")), status: 403,
        challenge: "Bearer error=\"insufficient_scope\", error_description=\"audience_mismatch\""),
      Case(
        name: "wrong issuer", headers: bearer(try JWTFixtures.token("wrong_issuer")), status: 401,
        challenge: invalid("issuer_mismatch")),
      Case(
        name: "alg none", headers: bearer(try JWTFixtures.token("alg_none")), status: 401,
        challenge: invalid("malformed")),
      Case(
        name: "HS256 signed with the public key", headers: bearer(try JWTFixtures.token("hs256_public_key")),
        status: 401, challenge: invalid("unsupported_algorithm")),
      Case(
        name: "bad signature", headers: bearer(try JWTFixtures.token("bad_signature")), status: 401,
        challenge: invalid("bad_signature")),
      Case(
        name: "no sub", headers: bearer(try JWTFixtures.token("no_sub")), status: 401,
        challenge: invalid("missing_claim")),
      Case(
        name: "sub with a comma", headers: bearer(try JWTFixtures.token("sub_with_comma")), status: 403,
        challenge: "Bearer error=\"insufficient_scope\", error_description=\"claim_mismatch\""),
      Case(
        name: "sub with leading whitespace", headers: bearer(try JWTFixtures.token("sub_padded")),
        status: 403,
        challenge: "Bearer error=\"insufficient_scope\", error_description=\"claim_mismatch\""),
    ]
    for testCase in cases {
      let before = upstream.requests.count
      let (response, _) = try send(gatehouse, "GET", "/api/x", headers: testCase.headers)
      XCTAssertEqual(response.status, testCase.status, testCase.name)
      XCTAssertEqual(response.headers.value("WWW-Authenticate"), testCase.challenge, testCase.name)
      XCTAssertTrue(response.headers.value("Content-Type")?.contains("json") ?? false, testCase.name)
      assertNothingForwarded(after: before, testCase.name, through: gatehouse, probe: "/public/probe")
    }
    XCTAssertTrue(
      waitUntil(timeout: 5) { gatehouse.stdoutText.contains("\"reason\":\"jwt expired") },
      "security event names the kind")
    XCTAssertFalse(
      gatehouse.stdoutText.contains(try JWTFixtures.token("expired").split(separator: ".")[2]),
      "the token never appears in the log")
  }

  func testUnknownKidRefetchPicksUpRotatedKey() throws {
    let gatehouse = try startWithJWT(issuerExtra: "refetch_interval = \"100ms\"")
    XCTAssertTrue(waitUntil(timeout: 5) { jwks.requestCount >= 1 }, "initial fetch")
    Thread.sleep(forTimeInterval: 0.15)  // past refetch_interval since the initial fetch
    jwks.serve(try JWTFixtures.bytes("jwks_k1k2.json"))
    let (response, forwarded) = try send(
      gatehouse, "GET", "/rotated", headers: bearer(try JWTFixtures.token("good_k2")))
    XCTAssertEqual(response.status, 200, gatehouse.logs)
    XCTAssertEqual(forwarded?.headers.values("X-User-Id"), ["user-k2"])
    XCTAssertEqual(jwks.requestCount, 2, "exactly one refetch")
    let (old, _) = try send(gatehouse, "GET", "/old", headers: bearer(try JWTFixtures.token("good")))
    XCTAssertEqual(old.status, 200, "k1 still in the rotated set")
  }

  func testFloodOfUnknownKidsRefetchesAtMostOncePerInterval() throws {
    let gatehouse = try startWithJWT(issuerExtra: "refetch_interval = \"1s\"")
    XCTAssertTrue(waitUntil(timeout: 5) { jwks.requestCount >= 1 }, "initial fetch")
    Thread.sleep(forTimeInterval: 1.05)
    let good = try JWTFixtures.token("good")
    let started = Date()
    let statuses = Mutex<[Int]>([])
    let port = gatehouse.port
    DispatchQueue.concurrentPerform(iterations: 8) { worker in
      for index in 0..<5 {
        let token = JWTFixtures.withKid(good, "flood-\(worker)-\(index)")
        var status = -1
        if let client = try? RawClient(port: port) {
          try? client.send(
            RawClient.request("GET", "/flood", headers: [("Authorization", "Bearer \(token)")]))
          status = (try? client.readResponse().status) ?? -1
        }
        statuses.withLock { $0.append(status) }
      }
    }
    let elapsed = Date().timeIntervalSince(started)
    XCTAssertEqual(statuses.withLock { $0 }, Array(repeating: 401, count: 40), "every made-up kid is refused")
    let refetches = jwks.requestCount - 1
    XCTAssertGreaterThanOrEqual(refetches, 1, "the first unknown kid may refetch")
    XCTAssertLessThanOrEqual(
      refetches, 1 + Int(elapsed / 1.0), "at most one refetch per refetch_interval (flood took \(elapsed) s)")
    XCTAssertTrue(upstream.requests.isEmpty)
  }

  func testStaleKeysKeepServingWhileJWKSServerIsDown() throws {
    let gatehouse = try startWithJWT(issuerExtra: "refresh_interval = \"1s\"")
    let (first, _) = try send(gatehouse, "GET", "/before", headers: bearer(try JWTFixtures.token("good")))
    XCTAssertEqual(first.status, 200, gatehouse.logs)
    jwks.stop()
    XCTAssertTrue(
      waitUntil(timeout: 10) { gatehouse.stdoutText.contains("\"result\":\"failure\"") },
      "a background refresh failed\n\(gatehouse.logs)")
    // A token never seen before (not in the verified-token cache) still validates with the stale set.
    let (after, forwarded) = try send(
      gatehouse, "GET", "/after", headers: bearer(try JWTFixtures.token("good_other_user")))
    XCTAssertEqual(after.status, 200, gatehouse.logs)
    XCTAssertEqual(forwarded?.headers.values("X-User-Id"), ["user-456"])
  }

  func testRequestsBeforeKeysLoadAreRefusedThenPass() throws {
    jwks = try JWKSServer(body: try JWTFixtures.bytes("jwks_k1.json"))
    jwks.setFailing(true)
    let server = jwks!
    var config = ProxyConfig()
    config.routes = [("/", "jwt")]
    config.extraTOML = """

      [[jwt.issuer]]
      issuer = "https://login.example.com/"
      audiences = ["api.example.com"]
      jwks_uri = "\(server.url)"

      """
    let gatehouse = try startGatehouse(config)
    XCTAssertTrue(waitUntil(timeout: 5) { server.requestCount >= 1 }, "first fetch attempted")
    let token = try JWTFixtures.token("good")
    let (early, _) = try send(gatehouse, "GET", "/early", headers: bearer(token))
    XCTAssertEqual(early.status, 401)
    XCTAssertEqual(
      early.headers.value("WWW-Authenticate"), "Bearer error=\"invalid_token\", error_description=\"no_keys\""
    )
    server.setFailing(false)
    // The retry backoff starts at about a second.
    let passed = try waitUntil(timeout: 10, interval: 0.1) {
      try send(gatehouse, "GET", "/late", headers: bearer(token)).response.status == 200
    }
    XCTAssertTrue(passed, gatehouse.logs)
  }
}
