import JWT
import XCTest

@testable import Config

private func load(_ text: String) -> Result<GatehouseConfig, ConfigErrors> {
  ConfigLoader.parse(text, file: "proxy.conf", baseDirectory: "/etc/gatehouse", sources: testSources())
}

private let issuer = """
  [[jwt.issuer]]
  issuer = "https://login.example.com/"
  audiences = ["api.example.com"]
  jwks_uri = "https://login.example.com/.well-known/jwks.json"
  claim_headers = { email = "X-User-Email" }

  """

/// A file whose one JWT route carries `require = RULE` (line 9 holds the `require` key).
private func routeWith(_ rule: String, auth: String = "jwt") -> String {
  issuer + "[[route]]\npath_prefix = \"/admin/\"\nauth = \"\(auth)\"\nrequire = \(rule)\n"
}

/// `[[route]] require`: the rule evaluator (equality, array contains, presence, any_of/all_of)
/// and its configuration (every problem with its line and key).
final class AccessRuleTests: XCTestCase {
  /// The values a caller carries in these cases (claims of a JWT; a session's look the same).
  private let claims: [String: JSONValue] = [
    "role": .string("admin"), "roles": .array([.string("ops"), .string("billing")]), "level": .int(3),
    "verified": .bool(true), "nothing": .null, "count": .string("3"),
  ]

  func testEvaluationTable() {
    let cases: [(name: String, rule: AccessRule, holds: Bool, failure: String?)] = [
      ("scalar equal", .allOf([.equals("role", .string("admin"))]), true, nil),
      ("scalar differs", .allOf([.equals("role", .string("user"))]), false, "role"),
      ("absent claim", .allOf([.equals("group", .string("admin"))]), false, "group"),
      ("array contains", .allOf([.equals("roles", .string("ops"))]), true, nil),
      ("array lacks", .allOf([.equals("roles", .string("admin"))]), false, "roles"),
      ("integer equal", .allOf([.equals("level", .int(3))]), true, nil),
      ("typed: string is not integer", .allOf([.equals("count", .int(3))]), false, "count"),
      ("boolean", .allOf([.equals("verified", .bool(true))]), true, nil),
      ("present", .allOf([.present("role")]), true, nil),
      ("present but null", .allOf([.present("nothing")]), false, "present:nothing"),
      ("absent", .allOf([.present("mfa")]), false, "present:mfa"),
      (
        "all keys of a table hold", .allOf([.equals("role", .string("admin")), .equals("level", .int(3))]),
        true, nil
      ),
      (
        "one key of a table fails", .allOf([.equals("role", .string("admin")), .equals("level", .int(4))]),
        false, "level"
      ),
      (
        "any_of one holds",
        .allOf([
          .anyOf([.allOf([.equals("role", .string("x"))]), .allOf([.equals("roles", .string("billing"))])])
        ]),
        true, nil
      ),
      (
        "any_of none holds",
        .allOf([.anyOf([.allOf([.equals("role", .string("x"))]), .allOf([.present("mfa")])])]), false,
        "any_of"
      ),
      (
        "all_of one fails",
        .allOf([.allOf([.allOf([.equals("role", .string("admin"))]), .allOf([.present("mfa")])])]), false,
        "all_of"
      ),
      ("empty any_of holds never", .anyOf([]), false, "any_of"),
    ]
    for c in cases {
      XCTAssertEqual(c.rule.holds { self.claims[$0] }, c.holds, c.name)
      XCTAssertEqual(c.rule.firstFailure { self.claims[$0] }, c.failure, c.name)
    }
  }

  func testRulesParse() throws {
    let cases: [(name: String, text: String, rule: AccessRule)] = [
      ("one value", #"{ role = "admin" }"#, .allOf([.equals("role", .string("admin"))])),
      (
        "several keys", #"{ role = "admin", level = 3, verified = true }"#,
        .allOf([
          .equals("role", .string("admin")), .equals("level", .int(3)), .equals("verified", .bool(true)),
        ])
      ),
      ("present one", #"{ present = "mfa" }"#, .allOf([.present("mfa")])),
      ("present list", #"{ present = ["mfa", "email"] }"#, .allOf([.present("mfa"), .present("email")])),
      (
        "any_of", #"{ any_of = [{ role = "admin" }, { groups = "ops" }] }"#,
        .allOf([
          .anyOf([.allOf([.equals("role", .string("admin"))]), .allOf([.equals("groups", .string("ops"))])])
        ])
      ),
      (
        "nested", #"{ all_of = [{ any_of = [{ a = "1" }] }, { present = "b" }] }"#,
        .allOf([.allOf([.allOf([.anyOf([.allOf([.equals("a", .string("1"))])])]), .allOf([.present("b")])])])
      ),
      (
        "quoted key", #"{ "https://example.com/role" = "admin" }"#,
        .allOf([.equals("https://example.com/role", .string("admin"))])
      ),
    ]
    for c in cases {
      switch load(routeWith(c.text)) {
      case .failure(let errors): XCTFail("\(c.name): \(errors.issues)")
      case .success(let config):
        XCTAssertEqual(config.routes.first?.require, c.rule, c.name)
        // The effective configuration writes the rule back as TOML that reads the same.
        guard case .success(let reread) = load(config.redactedDescription()) else {
          XCTFail("\(c.name): redacted form refused: \(config.redactedDescription())")
          continue
        }
        XCTAssertEqual(reread.routes.first?.require, c.rule, "\(c.name): read back")
      }
    }
  }

  func testBadRulesAreReportedWithLineAndKey() {
    let cases: [(name: String, text: String, key: String, message: String, line: Int)] = [
      ("not a table", #""admin""#, "route[1].require", "expected a table", 9),
      ("empty", "{}", "route[1].require", "admit every caller", 9),
      ("list value", #"{ role = ["a", "b"] }"#, "route[1].require.role", "any_of", 9),
      ("float", "{ level = 1.5 }", "route[1].require.level", "floats", 9),
      ("nested table value", "{ role = { x = 1 } }", "route[1].require.role", "found a table", 9),
      ("any_of not a list", #"{ any_of = "x" }"#, "route[1].require.any_of", "non-empty list", 9),
      ("any_of empty", "{ any_of = [] }", "route[1].require.any_of", "non-empty list", 9),
      ("any_of element", #"{ any_of = ["x"] }"#, "route[1].require.any_of[0]", "expected a rule table", 9),
      ("any_of empty element", "{ any_of = [{}] }", "route[1].require.any_of[0]", "admit every caller", 9),
      ("present number", "{ present = 3 }", "route[1].require.present", "claim name", 9),
      ("present empty name", #"{ present = [""] }"#, "route[1].require.present", "not a claim name", 9),
      (
        "multi-line list element", "{ any_of = [\n  { role = \"a\" },\n  { role = 1.5 },\n] }",
        "route[1].require.any_of[1].role", "floats", 11
      ),
    ]
    for c in cases {
      guard case .failure(let errors) = load(routeWith(c.text)) else {
        XCTFail("\(c.name): accepted")
        continue
      }
      let match = errors.issues.first { $0.key == c.key && $0.message.contains(c.message) }
      XCTAssertNotNil(match, "\(c.name): \(errors.issues)")
      XCTAssertEqual(match?.line, c.line, "\(c.name): line")
    }
  }

  func testRuleOnAPublicRouteIsRefused() {
    guard case .failure(let errors) = load(routeWith(#"{ role = "admin" }"#, auth: "public")) else {
      return XCTFail("a rule on a public route was accepted")
    }
    let issue = errors.issues.first { $0.key == "route[1].require" }
    XCTAssertEqual(issue?.line, 9, "\(errors.issues)")
    XCTAssertTrue(issue?.message.contains("public route") ?? false, "\(errors.issues)")
  }

  func testRuleClaimsAreKeptByTheJWTIssuers() throws {
    guard case .success(let config) = load(routeWith(#"{ any_of = [{ roles = "a" }, { present = "mfa" }] }"#))
    else { return XCTFail("refused") }
    XCTAssertEqual(config.jwt.extraClaims, ["roles", "mfa"])
  }
}
