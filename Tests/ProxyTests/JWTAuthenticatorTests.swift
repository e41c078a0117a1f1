import Config
import EventLoop
import Foundation
import Glibc
import HTTP1
import XCTest

@testable import Proxy

/// `JWTAuthenticator` against the integration fixtures' k1 key set (read from a `jwks_file` by a
/// real fetcher thread) and named tokens.
final class JWTAuthenticatorTests: XCTestCase {
  private static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../IntegrationTests/Fixtures/jwt").standardized

  private var fetcher: JWKSFetcher?

  override func tearDown() {
    fetcher?.stop()
    super.tearDown()
  }

  private static func token(_ name: String) throws -> [UInt8] {
    let data = try Data(contentsOf: fixtures.appendingPathComponent("tokens.json"))
    let table = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: String])
    return Array(try XCTUnwrap(table[name], name).utf8)
  }

  /// A runtime whose issuer has loaded k1 from the fixture file.
  private func makeAuthenticator(
    issuerExtra: String = "", jwtExtra: String = "", clock: any Clock = SystemClock()
  ) throws -> (JWTAuthenticator, JWTRuntime) {
    let text = """
      [jwt]
      \(jwtExtra)
      [[jwt.issuer]]
      issuer = "https://login.example.com/"
      audiences = ["api.example.com"]
      jwks_file = "\(Self.fixtures.appendingPathComponent("jwks_k1.json").path)"
      claim_headers = { email = "X-User-Email", roles = "X-Roles", note = "X-Note", level = "X-Level" }
      \(issuerExtra)
      """
    let config: GatehouseConfig
    switch ConfigLoader.parse(text, file: "t", baseDirectory: "/", sources: .system(environment: [:])) {
    case .success(let loaded): config = loaded
    case .failure(let errors): throw ConfigFailure(errors: errors)
    }
    let devNull = open("/dev/null", O_WRONLY)
    let fetcher = try JWKSFetcher(settings: config.jwt, sink: LogSink(fd: devNull), clock: clock)
    self.fetcher = fetcher
    try fetcher.start()
    let deadline = Date().addingTimeInterval(5)
    while !fetcher.readinessProblems().isEmpty && Date() < deadline { usleep(2000) }
    XCTAssertTrue(fetcher.readinessProblems().isEmpty, "keys loaded from the file")
    let runtime = JWTRuntime(settings: config.jwt, fetcher: fetcher)
    return (JWTAuthenticator(runtime: runtime, loop: try EventLoop()), runtime)
  }

  private func request(authorization: [UInt8]?, cookies: String? = nil) -> AuthRequest {
    AuthRequest(
      policy: .jwt, routeName: "r", method: .get, authorization: authorization,
      cookies: cookies.map { Array($0.utf8) },
      clientIP: .v4(0x7F00_0001), userAgent: nil, host: nil, origin: nil, secFetchSite: nil, contentType: nil,
      accept: nil, path: "/", target: "/", sessionCookie: nil, csrfToken: nil, formBody: nil,
      forwardedProto: nil,
      onUnauthenticated: .deny)
  }

  func testGrantCarriesIdentityHeaders() throws {
    let (authenticator, runtime) = try makeAuthenticator(issuerExtra: "forward_authorization = false")
    let outcome = authenticator.authenticate(
      request(authorization: Array("Bearer ".utf8) + (try Self.token("good")))
    ) {
      _ in XCTFail("no suspension")
    }
    guard case .allow(let grant)? = outcome else { return XCTFail("\(String(describing: outcome))") }
    // Rendered once as the bytes the app receives (`BearerIdentity`), not as `String` pairs.
    XCTAssertEqual(grant.identityHeaders.count, 0)
    XCTAssertEqual(
      grant.identityLines.map { String(decoding: $0.identity.lines, as: UTF8.self) },
      "X-User-Id: user-123\r\nX-Auth-Method: jwt\r\nX-User-Email: alice@example.com\r\nX-Roles: admin\r\n"
        + "X-Level: 3\r\n")
    XCTAssertEqual(grant.identityLines?.identity.userID, "user-123")
    XCTAssertNil(grant.identityLines?.csrf)
    XCTAssertTrue(grant.stripAuthorization)
    XCTAssertEqual(
      grant.principalHash, JWTAuthenticator.principalHash("https://login.example.com/", "user-123"))
    XCTAssertEqual(runtime.counters.cache.misses, 1)
    // The same token again: answered from the verified-token cache.
    _ = authenticator.authenticate(request(authorization: Array("Bearer ".utf8) + (try Self.token("good")))) {
      _ in
    }
    XCTAssertEqual(runtime.counters.cache.hits, 1)
    XCTAssertEqual(runtime.counters.validations["ok"], 2)
  }

  func testRefusalsTable() throws {
    let (authenticator, runtime) = try makeAuthenticator(jwtExtra: "token_cookie = \"at\"")
    struct Case {
      let name: String
      let authorization: [UInt8]?
      let cookies: String?
      let status: Int
      let challenge: String
    }
    func bearer(_ name: String) throws -> [UInt8] { Array("Bearer ".utf8) + (try Self.token(name)) }
    func invalid(_ code: String) -> String { "Bearer error=\"invalid_token\", error_description=\"\(code)\"" }
    let cases: [Case] = [
      Case(name: "nothing", authorization: nil, cookies: nil, status: 401, challenge: "Bearer"),
      Case(name: "other cookie", authorization: nil, cookies: "x=1", status: 401, challenge: "Bearer"),
      Case(
        name: "expired in cookie", authorization: nil,
        cookies: "at=" + String(decoding: try Self.token("expired"), as: UTF8.self), status: 401,
        challenge: invalid("expired")),
      Case(
        name: "expired", authorization: try bearer("expired"), cookies: nil, status: 401,
        challenge: invalid("expired")),
      Case(
        name: "wrong audience", authorization: try bearer("wrong_audience"), cookies: nil, status: 403,
        challenge: "Bearer error=\"insufficient_scope\", error_description=\"audience_mismatch\""),
      Case(
        name: "HS256", authorization: try bearer("hs256_public_key"), cookies: nil, status: 401,
        challenge: invalid("unsupported_algorithm")),
      Case(
        name: "rate-limited unknown kid", authorization: try bearer("good_k2"), cookies: nil, status: 401,
        challenge: invalid("unknown_kid")),
      Case(
        name: "bearer with two tokens", authorization: Array("Bearer a b".utf8), cookies: nil, status: 401,
        challenge: invalid("malformed")),
      // Not token68 after `Bearer `: refused by the validator's strict base64url (no token68 walk).
      Case(
        name: "good token and a second word", authorization: try bearer("good") + Array(" x".utf8),
        cookies: nil,
        status: 401, challenge: invalid("malformed")),
      Case(
        name: "good token with token68 padding", authorization: try bearer("good") + Array("==".utf8),
        cookies: nil, status: 401, challenge: invalid("malformed")),
      Case(
        name: "good token with a comma", authorization: try bearer("good") + Array(",".utf8), cookies: nil,
        status: 401, challenge: invalid("malformed")),
      Case(
        name: "tab after the scheme", authorization: Array("Bearer\t".utf8) + (try Self.token("good")),
        cookies: nil,
        status: 401, challenge: invalid("malformed")),
      Case(
        name: "too large",
        authorization: Array("Bearer ".utf8) + Array(repeating: UInt8(ascii: "a"), count: 9000),
        cookies: nil, status: 401, challenge: invalid("token_too_large")),
    ]
    for c in cases {
      let outcome = authenticator.authenticate(request(authorization: c.authorization, cookies: c.cookies)) {
        _ in
        XCTFail("\(c.name): suspended")
      }
      guard case .deny(let error, let headers)? = outcome else {
        XCTFail("\(c.name): \(String(describing: outcome))")
        continue
      }
      XCTAssertEqual(error.status, c.status, c.name)
      XCTAssertEqual(headers.first { $0.0 == "WWW-Authenticate" }?.1, c.challenge, c.name)
      XCTAssertTrue(error.detail.hasPrefix("jwt "), "\(c.name): detail names the kind: \(error.detail)")
    }
    XCTAssertEqual(runtime.counters.validations["expired"], 2)
  }

  /// A repeated token is answered from the worker's `RepeatedTokenCache` only while its issuer
  /// keeps the key set it verified under: a new set (even one that still holds its key) makes it
  /// verify again, and a set without its key refuses it.
  func testRepeatedTokenIsVerifiedAgainAfterTheKeySetChanges() throws {
    let (authenticator, runtime) = try makeAuthenticator()
    let good = request(authorization: Array("Bearer ".utf8) + (try Self.token("good")))
    func authenticate() -> AuthOutcome? { authenticator.authenticate(good) { _ in XCTFail("no suspension") } }
    func replaceKeys(_ file: String) throws {
      let body = try Data(contentsOf: Self.fixtures.appendingPathComponent(file))
      _ = runtime.fetcher.issuers[0].finish(
        .success(body: Array(body), cacheControlMaxAge: nil), nowMs: runtime.fetcher.nowMs())
    }
    guard case .allow? = authenticate(), case .allow? = authenticate() else {
      return XCTFail("granted twice")
    }
    XCTAssertEqual(runtime.counters.cache.misses, 1)
    XCTAssertEqual(runtime.counters.cache.hits, 1)

    try replaceKeys("jwks_k1k2.json")
    guard case .allow? = authenticate() else { return XCTFail("k1 is still in the set") }
    XCTAssertEqual(runtime.counters.cache.misses, 2, "a new key set: verified again")
    guard case .allow? = authenticate() else { return XCTFail("granted") }
    XCTAssertEqual(runtime.counters.cache.misses, 2)

    try replaceKeys("jwks_k2.json")
    guard case .deny(let error, _)? = authenticate() else { return XCTFail("k1 is gone") }
    XCTAssertTrue(error.detail.hasPrefix("jwt unknown_kid"), error.detail)
  }

  /// The worker's cache answers a repeated token without the issuer's lock (`KeySetStamp`), but
  /// still only while the key set it verified under may be used: the same set (same generation)
  /// past `max_stale` is not used for it any more than for a new token.
  func testRepeatedTokenIsNotAnsweredFromAKeySetPastMaxStale() throws {
    let (authenticator, runtime) = try makeAuthenticator(issuerExtra: "max_stale = \"60s\"")
    let good = request(authorization: Array("Bearer ".utf8) + (try Self.token("good")))
    func authenticate() -> AuthOutcome? { authenticator.authenticate(good) { _ in } }
    guard case .allow? = authenticate(), case .allow? = authenticate() else {
      return XCTFail("granted twice")
    }
    XCTAssertEqual(runtime.counters.cache.hits, 1)
    // The same keys again, as fetched 61 s ago: the generation stays, the set is past max_stale.
    let body = try Data(contentsOf: Self.fixtures.appendingPathComponent("jwks_k1.json"))
    let issuer = runtime.fetcher.issuers[0]
    let generation = issuer.keys(nowMs: runtime.fetcher.nowMs())?.generation
    _ = issuer.finish(
      .success(body: Array(body), cacheControlMaxAge: nil), nowMs: runtime.fetcher.nowMs() - 61_000)
    XCTAssertNil(issuer.keys(nowMs: runtime.fetcher.nowMs()), "past max_stale")
    XCTAssertFalse(issuer.stamp.isCurrent(try XCTUnwrap(generation), nowMs: runtime.fetcher.nowMs()))
    if case .allow? = authenticate() { XCTFail("answered from a key set past max_stale") }
    XCTAssertEqual(runtime.counters.cache.hits, 1, "no cached answer")
  }

  /// A repeated `Authorization` token is looked up before the field's syntax is checked: only
  /// the very same token after `Bearer` and spaces is answered from the cache; anything else —
  /// a tab after the scheme, a byte more or less — goes through the full check and is refused.
  func testRepeatedBearerAnswersOnlyTheSameTokenBytes() throws {
    let (authenticator, runtime) = try makeAuthenticator()
    let token = try Self.token("good")
    let secondDot = token.lastIndex(of: UInt8(ascii: "."))!
    func authenticate(_ authorization: [UInt8]) -> AuthOutcome? {
      authenticator.authenticate(request(authorization: authorization)) { _ in XCTFail("no suspension") }
    }
    guard case .allow? = authenticate(Array("Bearer ".utf8) + token) else { return XCTFail("granted") }
    guard case .allow? = authenticate(Array("bEARER   ".utf8) + token) else {
      return XCTFail("granted again")
    }
    XCTAssertEqual(runtime.counters.cache.hits, 1, "any case, several spaces: the same token")
    let refused: [(String, [UInt8])] = [
      ("tab after the scheme", Array("Bearer\t".utf8) + token),
      ("a comma after the token", Array("Bearer ".utf8) + token + Array(",".utf8)),
      ("a second token", Array("Bearer ".utf8) + token + Array(" x".utf8)),
      ("one byte short", Array("Bearer ".utf8) + token.dropLast()),
      ("one byte more", Array("Bearer ".utf8) + token + Array("A".utf8)),
      ("last byte changed", Array("Bearer ".utf8) + token.dropLast() + [token.last == 0x41 ? 0x42 : 0x41]),
      ("another scheme", Array("Bearex ".utf8) + token),
      // The same signing input (the shared cache's key) with another signature: compared in full.
      (
        "first signature byte changed",
        Array("Bearer ".utf8) + token[...secondDot] + [token[secondDot + 1] == 0x41 ? 0x42 : 0x41]
          + token[(secondDot + 2)...]
      ),
    ]
    for (name, authorization) in refused {
      switch authenticate(authorization) {
      case .deny?: break
      case .allow?: XCTFail("\(name): granted")
      case nil: XCTFail("\(name): suspended")
      }
    }
    XCTAssertEqual(runtime.counters.cache.hits, 1, "none of them answered from a cache")
  }

  /// A repeated token is not answered from a cache past its `exp` (the worker's entry keeps it).
  func testRepeatedTokenIsRefusedOnceExpired() throws {
    let clock = ManualClock()
    let (authenticator, runtime) = try makeAuthenticator(clock: clock)
    let good = request(authorization: Array("Bearer ".utf8) + (try Self.token("good")))
    func authenticate() -> AuthOutcome? { authenticator.authenticate(good) { _ in XCTFail("no suspension") } }
    guard case .allow? = authenticate(), case .allow? = authenticate() else {
      return XCTFail("granted twice")
    }
    XCTAssertEqual(runtime.counters.cache.hits, 1)
    let exp: Int64 = 4_102_444_800  // the fixture's
    clock.setWall((exp + 1) * 1_000_000_000)
    guard case .allow? = authenticate() else { return XCTFail("within the 30 s leeway") }
    XCTAssertEqual(runtime.counters.cache.misses, 2, "past exp: no cached answer, verified again")
    clock.setWall((exp + 3600) * 1_000_000_000)
    guard case .deny(let error, _)? = authenticate() else { return XCTFail("expired") }
    XCTAssertTrue(error.detail.hasPrefix("jwt expired"), error.detail)
  }

  func testUnknownKidSuspendsUntilTheRefetchThenAnswersOnTheLoop() throws {
    let (authenticator, _) = try makeAuthenticator(issuerExtra: "refetch_interval = \"100ms\"")
    usleep(150_000)  // past refetch_interval since the first fetch
    let loop = authenticator.loop
    Foundation.Thread.detachNewThread { loop.run() }
    defer { loop.stop() }
    let answered = expectation(description: "resumed")
    let outcomeBox = OutcomeBox()
    outcomeBox.authenticator = authenticator
    let request = self.request(authorization: Array("Bearer ".utf8) + (try Self.token("good_k2")))
    loop.execute {
      let immediate = outcomeBox.authenticator!.authenticate(request) { outcome in
        outcomeBox.outcome = outcome
        answered.fulfill()
      }
      if immediate != nil { outcomeBox.immediate = true }
    }
    wait(for: [answered], timeout: 5)
    XCTAssertFalse(outcomeBox.immediate, "the request waited for the refetch")
    // The file still has only k1: after the refetch the kid is still unknown.
    guard case .deny(let error, _)? = outcomeBox.outcome else {
      return XCTFail("\(String(describing: outcomeBox.outcome))")
    }
    XCTAssertTrue(error.detail.hasPrefix("jwt unknown_kid"), error.detail)
  }
}

/// Written on the loop thread, read after the expectation. Test-only.
private final class OutcomeBox: @unchecked Sendable {
  var authenticator: JWTAuthenticator?
  var outcome: AuthOutcome?
  var immediate = false
}

private struct ConfigFailure: Error {
  let errors: ConfigErrors
}
