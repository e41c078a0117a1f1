import Config
import Foundation
import Net
import Sessions
import XCTest

@testable import Audit

/// The static audit against deliberately weak configurations: each case is a change to a strong
/// base file and the exact set of check ids that must fail (and warn); the base and
/// `proxy.conf.example` must pass every check.
final class StaticAuditTests: XCTestCase {
  struct Case {
    let name: String
    var set: [String: String?] = [:]
    var extra = ""
    var routes = AuditConfigs.defaultRoutes
    let fails: Set<String>
    var warns: Set<String> = []
  }

  static let issuer = """
    [[jwt.issuer]]
    issuer = "https://idp.example.com/"
    audiences = ["app"]
    jwks_uri = "https://idp.example.com/jwks.json"
    """

  static let cases: [Case] = [
    Case(name: "strong base", fails: []),
    Case(
      name: "hex literal key repeating itself",
      set: ["session.keys": #"["0123456789abcdef0123456789abcdef"]"#],
      fails: ["GH-GEN-002", "GH-STO-001"]),
    Case(
      name: "placeholder key from the example Secret", set: ["session.keys": #"["env:PLACEHOLDER"]"#],
      fails: ["GH-GEN-002"]),
    Case(
      name: "the same key twice", set: ["session.keys": #"["env:KEY", "env:KEY"]"#], fails: ["GH-GEN-003"]),
    Case(
      name: "admin token reuses the session key",
      set: ["admin.listen": #""0.0.0.0:9901""#, "admin.token": #""env:KEY""#], fails: ["GH-GEN-003"]),
    Case(
      name: "user tag key is a weak literal",
      set: ["session.user_tag_key": #""aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa""#],
      fails: ["GH-GEN-002", "GH-STO-001"]),
    Case(
      name: "admin listener open without token", set: ["admin.listen": #""0.0.0.0:9901""#],
      fails: ["GH-DEP-001"]),
    Case(name: "short admin token", set: ["admin.token": #""env:SHORT""#], fails: ["GH-DEP-002"]),
    Case(
      name: "literal admin token",
      set: ["admin.token": #""uV4n8Rk2Qw7Zp1Lx9Jc3Hs6Tb0Ym5Fg+Dd/Ee=Aa""#], fails: ["GH-STO-001"]),
    Case(
      name: "plain-HTTP cookie", set: ["session.secure_cookie": "false", "session.cookie_name": #""gh""#],
      fails: ["GH-TRN-001", "GH-TRN-004"]),
    Case(name: "cookie readable by scripts", set: ["session.http_only": "false"], fails: ["GH-TRN-002"]),
    Case(name: "SameSite None", set: ["session.same_site": #""None""#], fails: ["GH-TRN-003"]),
    Case(
      name: "cookie without __Host- on a parent domain",
      set: ["session.cookie_name": #""sid""#, "session.cookie_domain": #""example.com""#],
      fails: ["GH-TRN-004"]),
    Case(name: "no IP binding", set: ["session.bind_ip": "false"], fails: ["GH-VAL-001"]),
    Case(name: "IP binding to a /8", set: ["session.bind_ipv4_prefix": "8"], fails: ["GH-VAL-001"]),
    Case(name: "no User-Agent binding", set: ["session.bind_user_agent": "false"], fails: ["GH-VAL-002"]),
    Case(name: "CSRF off with form posts", set: ["session.csrf": "false"], fails: ["GH-VAL-003"]),
    Case(
      name: "CSRF off, session routes read-only", set: ["session.csrf": "false"],
      routes: [#"name = "app"\#npath_prefix = "/"\#nmethods = ["GET", "HEAD"]\#nauth = "session""#], fails: []
    ),
    Case(
      name: "identity headers not stripped", set: ["headers.strip": #"["Gatehouse-*"]"#],
      fails: ["GH-VAL-004"]),
    Case(
      name: "JWT claim header not stripped",
      extra: issuer + "\nclaim_headers = { tenant = \"X-Tenant\" }",
      routes: AuditConfigs.defaultRoutes + [#"name = "api"\#npath_prefix = "/api/"\#nauth = "jwt""#],
      fails: ["GH-VAL-004"]),
    Case(
      name: "JWKS over plain HTTP",
      extra: """
        [[jwt.issuer]]
        issuer = "https://idp.example.com/"
        audiences = ["app"]
        jwks_uri = "http://192.0.2.10/jwks.json"
        allow_insecure_http = true
        leeway = "5m"
        """,
      fails: ["GH-VAL-005", "GH-VAL-006"]),
    Case(
      name: "JWKS from loopback HTTP and a file",
      extra: """
        [[jwt.issuer]]
        issuer = "https://a.example/"
        audiences = ["app"]
        jwks_uri = "http://127.0.0.1:8081/jwks.json"

        [[jwt.issuer]]
        issuer = "https://b.example/"
        audiences = ["app"]
        jwks_uri = "https://b.example/jwks.json"
        leeway = "60s"
        """,
      fails: []),
    Case(name: "no idle timeout", set: ["session.idle_timeout": #""0s""#], fails: ["GH-EXP-001"]),
    Case(name: "idle timeout of 12h", set: ["session.idle_timeout": #""12h""#], fails: ["GH-EXP-001"]),
    Case(
      name: "idle timeout of 2h", set: ["session.idle_timeout": #""2h""#], fails: [], warns: ["GH-EXP-001"]),
    Case(name: "no absolute timeout", set: ["session.absolute_timeout": #""0s""#], fails: ["GH-EXP-002"]),
    Case(
      name: "absolute timeout of 30 days", set: ["session.absolute_timeout": #""720h""#],
      fails: ["GH-EXP-002"]),
    Case(
      name: "absolute timeout of 48h", set: ["session.absolute_timeout": #""48h""#], fails: [],
      warns: ["GH-EXP-002"]),
    Case(name: "no rotation", set: ["session.rotation_interval": #""0s""#], fails: ["GH-EXP-003"]),
    Case(name: "no per-user cap", set: ["session.max_per_user": "0"], fails: ["GH-EXP-004"]),
    Case(name: "per-user cap of 50", set: ["session.max_per_user": "50"], fails: [], warns: ["GH-EXP-004"]),
    Case(
      name: "every peer trusted", set: ["server.trusted_proxies": #"["0.0.0.0/0"]"#], fails: ["GH-DEP-003"]),
    Case(
      name: "a /7 trusted", set: ["server.trusted_proxies": #"["10.0.0.0/7"]"#], fails: [],
      warns: ["GH-DEP-003"]),
    Case(
      name: "pod network trusted", set: ["server.trusted_proxies": #"["10.0.0.0/8", "fd00::/8"]"#],
      fails: [], warns: ["GH-DEP-003"]),
    Case(
      name: "public catch-all",
      routes: [
        #"name = "app"\#npath_prefix = "/admin/"\#nauth = "session""#,
        #"name = "rest"\#npath_prefix = "/"\#nauth = "public""#,
      ],
      fails: ["GH-DEP-004"]),
    Case(
      name: "no catch-all", routes: [#"name = "app"\#npath_prefix = "/app/"\#nauth = "session""#], fails: []),
    Case(
      name: "protected route behind a public one",
      routes: [
        #"name = "api-docs"\#npath_prefix = "/api/"\#nauth = "public""#,
        #"name = "api-admin"\#npath_prefix = "/api/admin/"\#nmethods = ["GET"]\#nauth = "session""#,
        #"name = "app"\#npath_prefix = "/"\#nauth = "session""#,
      ],
      fails: ["GH-DEP-005"]),
    Case(
      name: "public GET before a session POST on the same path",
      routes: [
        #"name = "form"\#npath = "/form"\#nmethods = ["GET"]\#nauth = "public""#,
        #"name = "submit"\#npath = "/form"\#nmethods = ["POST"]\#nauth = "session""#,
      ],
      fails: []),
    Case(name: "query strings logged", set: ["log.log_query": "true"], fails: ["GH-STO-004"]),
    Case(name: "cookie forwarded to the app", set: ["session.forward_cookie": "true"], fails: ["GH-STO-005"]),
    Case(
      name: "remote Redis without AUTH", set: ["session.store": #""redis""#],
      extra: "[redis]\naddress = \"10.0.0.5:6379\"", fails: ["GH-STO-002", "GH-STO-003"]),
    Case(
      name: "Redis sentinels off loopback with AUTH", set: ["session.store": #""redis""#],
      extra:
        "[redis]\nsentinels = [\"10.0.0.5:26379\", \"127.0.0.1:26379\"]\nmaster_name = \"m\"\npassword = \"env:REDIS_PASSWORD\"",
      fails: ["GH-STO-003"]),
    Case(
      name: "Redis Cluster seeds off loopback", set: ["session.store": #""redis""#],
      extra: "[redis]\ncluster = [\"10.0.0.5:7000\", \"10.0.0.6:7000\"]\npassword = \"env:REDIS_PASSWORD\"",
      fails: ["GH-STO-003"]),
    Case(
      name: "loopback Redis with AUTH", set: ["session.store": #""redis""#],
      extra: "[redis]\naddress = \"127.0.0.1:6379\"\npassword = \"env:REDIS_PASSWORD\"", fails: []),
  ]

  func testEachWeakConfigFailsExactlyItsChecks() throws {
    for c in Self.cases {
      let text = AuditConfigs.text(set: c.set, extra: c.extra, routes: c.routes)
      let config: GatehouseConfig
      do {
        config = try AuditConfigs.load(text)
      } catch {
        XCTFail("\(c.name): the case's config does not load: \(error)\n\(text)")
        continue
      }
      let results = StaticAudit.run(config)
      XCTAssertEqual(
        Set(results.filter { $0.verdict == .failed }.map(\.check.id)), c.fails, "\(c.name): failed")
      XCTAssertEqual(
        Set(results.filter { $0.verdict == .warning }.map(\.check.id)), c.warns, "\(c.name): warnings")
      for result in results where result.verdict != .passed && result.verdict != .skipped {
        XCTAssertFalse(result.outcome.evidence.isEmpty, "\(c.name): \(result.check.id) has no evidence")
      }
    }
  }

  func testEveryCheckFailsInSomeCase() {
    let failing = Self.cases.reduce(into: Set<String>()) { $0.formUnion($1.fails) }
    let typed: Set<String> = ["GH-GEN-001", "GH-VAL-007"]  // refused by the loader: typed cases below
    let ids = Set(StaticAudit.checks.map(\.definition.id))
    XCTAssertEqual(ids.subtracting(failing).subtracting(typed), [], "checks no weak config makes fail")
    XCTAssertEqual(ids.count, StaticAudit.checks.count, "check ids are unique")
  }

  /// Configurations the loader refuses, built as values: the checks still judge them (a config
  /// produced another way, or a loader rule that changes, must not slip through).
  func testChecksTheLoaderAlsoEnforces() throws {
    let base = try AuditConfigs.load(AuditConfigs.text())
    func run(_ config: GatehouseConfig, _ id: String) -> CheckOutcome? {
      StaticAudit.checks.first { $0.definition.id == id }?.run(config).outcome
    }
    func with(session: SessionSettings?, jwt: JWTSettings = JWTSettings()) -> GatehouseConfig {
      GatehouseConfig(
        server: base.server, upstream: base.upstream, limits: base.limits, admin: base.admin,
        headers: base.headers,
        log: base.log, jwt: jwt, routes: base.routes, session: session)
    }
    XCTAssertEqual(run(with(session: SessionSettings(keys: [])), "GH-GEN-001")?.verdict, .failed)
    let short = run(with(session: SessionSettings(keys: [Secret("0123456789abcdef")])), "GH-GEN-001")
    XCTAssertEqual(short, .failed("keys[0]: 16 bytes, at least 32 needed"))
    XCTAssertEqual(run(with(session: nil), "GH-GEN-001")?.verdict, .skipped)
    let noAudience = JWTSettings(issuers: [
      JWTIssuerConfig(issuer: "https://idp/", audiences: [], source: .file("/jwks.json"))
    ])
    XCTAssertEqual(run(with(session: base.session, jwt: noAudience), "GH-VAL-007")?.verdict, .failed)
  }

  func testProxyConfExamplePassesEveryCheck() throws {
    let path = ReportSchemaValidator.packageRoot.appendingPathComponent("proxy.conf.example").path
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let sources = ConfigSources(
      environment: ["GATEHOUSE_SESSION_KEY": AuditConfigs.key], readFile: AuditConfigs.sources.readFile,
      resolve: AuditConfigs.sources.resolve, onlineCores: 1)
    let config = try ConfigLoader.parse(text, file: path, baseDirectory: "/", sources: sources).get()
    for result in StaticAudit.run(config) {
      XCTAssertTrue(
        result.verdict == .passed || result.verdict == .skipped,
        "\(result.check.id) \(result.verdict): \(result.outcome.evidence)")
    }
  }

  func testEvidenceNeverQuotesASecret() throws {
    let secrets =
      AuditConfigs.environment.values.filter { $0.count >= 10 } + [
        "0123456789abcdef0123456789abcdef", "uV4n8Rk2Qw7Zp1Lx9Jc3Hs6Tb0Ym5Fg+Dd/Ee=Aa",
      ]
    for c in Self.cases {
      guard
        let config = try? AuditConfigs.load(AuditConfigs.text(set: c.set, extra: c.extra, routes: c.routes))
      else { continue }
      let text = StaticAudit.run(config).flatMap(\.outcome.evidence).joined(separator: "\n")
      for secret in secrets { XCTAssertFalse(text.contains(secret), "\(c.name): evidence quotes a secret") }
    }
  }

  func testSecretStrength() {
    let cases: [(String, String, [String])] = [
      ("base64 of 32 bytes", AuditConfigs.key, []),
      ("64 hex characters", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", []),
      ("32 hex characters", "9f86d081884c7d659a2feaa0c55ad015", []),
      ("31 base64 characters", "q3N8v0dXrJ6yF1mZbT9wK2eHcL5uAoP", ["31 bytes, at least 32 needed"]),
      (
        "one letter", String(repeating: "a", count: 40),
        ["only 1 distinct characters", "repeats a shorter pattern"]
      ),
      ("a repeated word", String(repeating: "Tr0ub4dor&3", count: 4), ["repeats a shorter pattern"]),
      (
        "placeholder", "REPLACE-ME-with-head-c-32-dev-urandom-base64",
        ["contains the placeholder word \"replace\""]
      ),
    ]
    for (name, value, expected) in cases {
      XCTAssertEqual(SecretStrength(value).problems, expected, name)
    }
    XCTAssertEqual(SecretStrength(AuditConfigs.key).summary, "44 bytes, base64, ≈264 bits")
  }
}
