import Foundation
import Net
import XCTest

@testable import Config

private func load(_ text: String) -> Result<GatehouseConfig, ConfigErrors> {
  ConfigLoader.parse(text, file: "proxy.conf", baseDirectory: "/etc/gatehouse", sources: testSources())
}

private let jwtRoute = "\n[[route]]\npath_prefix = \"/\"\nauth = \"jwt\"\n"

private let minimalIssuer = """
  [[jwt.issuer]]
  issuer = "https://login.example.com/"
  audiences = ["api.example.com"]
  jwks_uri = "https://login.example.com/.well-known/jwks.json"

  """

final class JWTConfigTests: XCTestCase {
  func testMinimalIssuerGetsDefaults() throws {
    guard case .success(let config) = load(minimalIssuer + jwtRoute) else {
      return XCTFail("\(load(minimalIssuer))")
    }
    XCTAssertEqual(config.jwt.tokenCookie, "")
    XCTAssertEqual(config.jwt.cacheSize, 10_000)
    let issuer = try XCTUnwrap(config.jwt.issuers.first)
    XCTAssertEqual(issuer.issuer, "https://login.example.com/")
    XCTAssertEqual(
      issuer.source,
      .uri(JWKSURL(isTLS: true, host: "login.example.com", port: 443, target: "/.well-known/jwks.json")))
    XCTAssertEqual(issuer.algorithms, ["RS256"])
    XCTAssertEqual(issuer.leeway, .seconds(30))
    XCTAssertEqual(issuer.refreshInterval, .seconds(600))
    XCTAssertEqual(issuer.refetchInterval, .seconds(30))
    XCTAssertEqual(issuer.maxStale, .seconds(86400))
    XCTAssertEqual(issuer.userClaim, "sub")
    XCTAssertTrue(issuer.claimHeaders.isEmpty)
    XCTAssertTrue(issuer.forwardAuthorization)
    XCTAssertTrue(issuer.requiredClaims.isEmpty)
    XCTAssertNil(issuer.caFile)
    XCTAssertFalse(issuer.allowInsecureHTTP)
    XCTAssertEqual(issuer.fetchTimeout, .seconds(5))
    XCTAssertEqual(issuer.maxJWKSBytes, 256 * 1024)
    XCTAssertEqual(issuer.maxKeys, 100)
    XCTAssertEqual(issuer.maxTokenBytes, 8192)
    XCTAssertEqual(config.routes.first?.auth, .jwt)
    let settings = issuer.cacheSettings()
    XCTAssertEqual(settings.refreshInterval, 600_000)
    XCTAssertEqual(settings.refetchInterval, 30_000)
    XCTAssertEqual(settings.maxStale, 86_400_000)
  }

  func testEveryKeyIsRead() throws {
    let text = """
      [jwt]
      token_cookie = "access_token"
      cache_size = 50
      [[jwt.issuer]]
      issuer = "https://a/"
      audiences = ["x", "y"]
      jwks_file = "keys/jwks.json"
      algorithms = ["RS256", "PS256", "ES256", "ES384", "EdDSA"]
      leeway = "5s"
      refresh_interval = "2m"
      refetch_interval = "10s"
      max_stale = "1h"
      user_claim = "email"
      claim_headers = { tenant = "X-Tenant-Id", "https://a/role" = "X-Role" }
      forward_authorization = false
      required_claims = { scope = true, tenant = "acme", level = 3, beta = false }
      allow_insecure_http = true
      fetch_timeout = "2s"
      max_jwks_bytes = "64KiB"
      max_keys = 10
      max_token_bytes = 4096
      [[jwt.issuer]]
      issuer = "https://b/"
      audiences = ["z"]
      jwks_uri = "http://127.0.0.1:9000/jwks"
      """
    guard case .success(let config) = load(text + jwtRoute) else { return XCTFail("\(load(text))") }
    XCTAssertEqual(config.jwt.tokenCookie, "access_token")
    XCTAssertEqual(config.jwt.cacheSize, 50)
    XCTAssertEqual(config.jwt.issuers.count, 2)
    let a = config.jwt.issuers[0]
    XCTAssertEqual(a.source, .file("/etc/gatehouse/keys/jwks.json"))
    XCTAssertEqual(a.algorithms, ["RS256", "PS256", "ES256", "ES384", "EdDSA"])
    XCTAssertEqual(a.leeway, .seconds(5))
    XCTAssertEqual(a.refreshInterval, .seconds(120))
    XCTAssertEqual(a.refetchInterval, .seconds(10))
    XCTAssertEqual(a.maxStale, .seconds(3600))
    XCTAssertEqual(a.userClaim, "email")
    XCTAssertEqual(a.claimHeaders.map(\.claim), ["tenant", "https://a/role"])
    XCTAssertEqual(a.claimHeaders.map(\.header), ["X-Tenant-Id", "X-Role"])
    XCTAssertFalse(a.forwardAuthorization)
    XCTAssertEqual(a.requiredClaims.count, 4)
    XCTAssertEqual(a.requiredClaims["scope"], .some(nil), "true = present")
    XCTAssertEqual(a.requiredClaims["tenant"], .some(.string("acme")))
    XCTAssertEqual(a.requiredClaims["level"], .some(.int(3)))
    XCTAssertEqual(a.requiredClaims["beta"], .some(.bool(false)))
    XCTAssertTrue(a.allowInsecureHTTP)
    XCTAssertEqual(a.fetchTimeout, .seconds(2))
    XCTAssertEqual(a.maxJWKSBytes, 65536)
    XCTAssertEqual(a.maxKeys, 10)
    XCTAssertEqual(a.maxTokenBytes, 4096)
    XCTAssertEqual(
      config.jwt.issuers[1].source,
      .uri(JWKSURL(isTLS: false, host: "127.0.0.1", port: 9000, target: "/jwks")))
    // Identity headers set by the JWT step are stripped from client requests.
    XCTAssertEqual(config.jwt.identityHeaderNames, ["X-User-Id", "X-Auth-Method", "X-Tenant-Id", "X-Role"])
    // The dump reads back to the same settings.
    guard case .success(let reread) = load(config.redactedDescription()) else {
      return XCTFail(
        "dump does not read back:\n\(config.redactedDescription())\n\(load(config.redactedDescription()))")
    }
    XCTAssertEqual(reread.jwt, config.jwt)
  }

  func testProblemsAreReportedWithLineAndKey() {
    struct Case {
      let name: String
      let text: String
      let line: Int
      let key: String
      let message: String
    }
    func issuer(_ body: String) -> String {
      "[[jwt.issuer]]\nissuer = \"https://a/\"\naudiences = [\"x\"]\n" + body + "\n" + jwtRoute
    }
    let cases: [Case] = [
      Case(
        name: "jwt route without issuer", text: jwtRoute, line: 4, key: "route[1].auth",
        message: "needs at least one [[jwt.issuer]]"),
      Case(
        name: "no key source", text: issuer(""), line: 1, key: "jwt.issuer[1]",
        message: "set jwks_uri or jwks_file"),
      Case(
        name: "both key sources", text: issuer("jwks_uri = \"https://a/k\"\njwks_file = \"k.json\""), line: 5,
        key: "jwt.issuer[1]", message: "not both"),
      Case(
        name: "plain http to a remote host", text: issuer("jwks_uri = \"http://idp.example.com/k\""), line: 4,
        key: "jwt.issuer[1].jwks_uri", message: "only allowed for loopback"),
      Case(
        name: "not a URL", text: issuer("jwks_uri = \"ftp://a/k\""), line: 4, key: "jwt.issuer[1].jwks_uri",
        message: "must start with https://"),
      Case(
        name: "user info in URL", text: issuer("jwks_uri = \"https://u:p@a/k\""), line: 4,
        key: "jwt.issuer[1].jwks_uri", message: "user info"),
      Case(
        name: "RS512", text: issuer("jwks_file = \"k\"\nalgorithms = [\"RS512\"]"), line: 1,
        key: "jwt.issuer[1]",
        message: "algorithm RS512 is not supported"),
      Case(
        name: "HS256 beside ES256", text: issuer("jwks_file = \"k\"\nalgorithms = [\"ES256\", \"HS256\"]"),
        line: 1,
        key: "jwt.issuer[1]",
        message: "algorithm HS256 is not supported (supported: RS256, PS256, ES256, ES384, EdDSA)"),
      Case(
        name: "bad header name", text: issuer("jwks_file = \"k\"\nclaim_headers = { email = \"X User\" }"),
        line: 5, key: "jwt.issuer[1].claim_headers.email", message: "not a valid header name"),
      Case(
        name: "reserved header", text: issuer("jwks_file = \"k\"\nclaim_headers = { sub = \"X-User-Id\" }"),
        line: 5, key: "jwt.issuer[1].claim_headers.sub", message: "reserved"),
      Case(
        name: "required claim table value",
        text: issuer("jwks_file = \"k\"\nrequired_claims = { a = { b = 1 } }"), line: 5,
        key: "jwt.issuer[1].required_claims.a", message: "expected true (present) or a value"),
      Case(
        name: "leeway out of range", text: issuer("jwks_file = \"k\"\nleeway = \"1h\""), line: 5,
        key: "jwt.issuer[1].leeway", message: "out of range"),
      Case(
        name: "unknown key", text: issuer("jwks_file = \"k\"\nrefetch_intervall = \"1s\""), line: 5,
        key: "jwt.issuer[1].refetch_intervall", message: "did you mean `refetch_interval`?"),
      Case(
        name: "unreadable ca_file",
        text: issuer("jwks_uri = \"https://a/k\"\nca_file = \"/nonexistent/ca.pem\""),
        line: 5, key: "jwt.issuer[1].ca_file", message: "cannot read CA file"),
      Case(
        name: "missing audiences",
        text: "[[jwt.issuer]]\nissuer = \"https://a/\"\njwks_file = \"k\"\n" + jwtRoute,
        line: 1, key: "jwt.issuer[1].audiences", message: "missing"),
      Case(
        name: "duplicate issuer",
        text: issuer("jwks_file = \"k\"")
          + issuer("jwks_file = \"k\"").replacingOccurrences(of: jwtRoute, with: ""),
        line: 10, key: "jwt.issuer[2].issuer", message: "configured twice"),
      Case(
        name: "bad cookie name", text: "[jwt]\ntoken_cookie = \"a b\"\n", line: 2, key: "jwt.token_cookie",
        message: "not a valid cookie name"),
      Case(
        name: "issuer as a plain table", text: "[jwt.issuer]\nissuer = \"x\"\n", line: 1, key: "jwt.issuer",
        message: "expected [[jwt.issuer]]"),
    ]
    for testCase in cases {
      guard case .failure(let errors) = load(testCase.text) else {
        XCTFail("\(testCase.name): accepted")
        continue
      }
      let match = errors.issues.first { $0.key == testCase.key && $0.message.contains(testCase.message) }
      XCTAssertNotNil(match, "\(testCase.name): \(errors.issues)")
      XCTAssertEqual(match?.line, testCase.line, "\(testCase.name): line")
    }
  }

  func testLoopbackHTTPAndInsecureFlag() {
    let cases: [(name: String, uri: String, insecure: Bool, ok: Bool)] = [
      ("127.0.0.1", "http://127.0.0.1:8080/k", false, true),
      ("localhost", "http://localhost/k", false, true),
      ("[::1]", "http://[::1]:81/k", false, true),
      ("remote", "http://10.0.0.1/k", false, false),
      ("remote with flag", "http://10.0.0.1/k", true, true),
      ("https remote", "https://10.0.0.1/k", false, true),
    ]
    for c in cases {
      let text = """
        [[jwt.issuer]]
        issuer = "i"
        audiences = ["a"]
        jwks_uri = "\(c.uri)"
        allow_insecure_http = \(c.insecure)
        """
      let result = load(text)
      if case .success = result {
        XCTAssertTrue(c.ok, "\(c.name): accepted")
      } else {
        XCTAssertFalse(c.ok, "\(c.name): \(result)")
      }
    }
  }

  /// The example's commented issuer block, uncommented, is a valid issuer using every key.
  func testExampleIssuerBlockLoadsAndDocumentsEveryKey() throws {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
      "../../proxy.conf.example"
    ).standardized.path
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let start = try XCTUnwrap(lines.firstIndex(of: "# [[jwt.issuer]]"))
    var block: [String] = []
    for line in lines[start...] {
      guard line.hasPrefix("# ") else { break }
      block.append(String(line.dropFirst(2)))
    }
    // jwks_file is the alternative to jwks_uri, so it cannot be set in the same block.
    XCTAssertTrue(block.contains { $0.contains("jwks_file = ") }, "example mentions jwks_file")
    for key in ConfigReader.jwtIssuerKeys where key != "jwks_file" {
      let index = try XCTUnwrap(block.firstIndex { $0.hasPrefix("\(key) = ") }, "example documents \(key)")
      XCTAssertTrue(block[index - 1].hasPrefix("#"), "\(key) has a comment line")
    }
    // jwks_file and ca_file point nowhere here; keep the uri and drop the CA for loading.
    let issuer = block.filter { !$0.hasPrefix("ca_file") }.joined(separator: "\n")
    guard case .success(let config) = load(issuer + jwtRoute) else { return XCTFail("\(load(issuer))") }
    XCTAssertEqual(config.jwt.issuers.first?.issuer, "https://login.example.com/")
    // Uncommented keys show their defaults.
    for key in ConfigReader.jwtKeys where key != "issuer" {
      XCTAssertTrue(lines.contains { $0.hasPrefix("\(key) = ") }, "example shows [jwt] \(key)")
    }
  }
}

final class SessionClaimConfigTests: XCTestCase {
  func testSessionClaimIsReadAndNeedsSessions() throws {
    let text = minimalIssuer + "session_claim = \"sid\"\n" + jwtRoute
    guard case .failure(let errors) = load(text) else { return XCTFail("accepted without [session]") }
    let issue = errors.issues.first { $0.key == "jwt.issuer[1].session_claim" }
    XCTAssertEqual(issue?.line, 5, "\(errors.issues)")
    XCTAssertTrue(issue?.message.contains("needs a [session]") ?? false, "\(errors.issues)")

    let withSession = text + "\n[session]\nkeys = [\"\(String(repeating: "k", count: 64))\"]\n"
    guard case .success(let config) = load(withSession) else { return XCTFail("\(load(withSession))") }
    XCTAssertEqual(config.jwt.issuers.first?.sessionClaim, "sid")
    XCTAssertTrue(config.redactedDescription().contains("session_claim = \"sid\""))
  }
}
