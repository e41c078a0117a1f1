import HTTP1
import XCTest

@testable import Config

private let environments = """
  [cookie_policy.environments.production]
  domain = "Example.com"
  allowed_subdomains = ["www", "app"]

  [cookie_policy.environments.development]
  domain = "localhost"
  force_secure = false

  """

private func load(_ text: String, environment: [String: String] = [:]) -> Result<
  GatehouseConfig, ConfigErrors
> {
  ConfigLoader.parse(
    text, file: "proxy.conf", baseDirectory: "/nonexistent", sources: testSources(environment: environment))
}

/// A `[cookie_policy]` with the two profiles and `rule` as its only `[[cookie_policy.cookie]]`.
private func withRule(_ rule: String, top: String = "") -> String {
  "[cookie_policy]\n\(top)\n" + environments + "[[cookie_policy.cookie]]\n" + rule + "\n"
}

final class CookiePolicyConfigTests: XCTestCase {
  func testNoSectionMeansNoPolicy() throws {
    XCTAssertNil(try load("").get().cookiePolicy)
  }

  func testEveryKey() throws {
    let text = """
      [cookie_policy]
      environment = "env:APP_ENV"
      on_unknown = "strip"
      consent_cookie = "consent"
      consent_version = 3
      reserved_prefix = "/_gh/"
      \(environments)
      [[cookie_policy.cookie]]
      name = "JSESSIONID"
      category = "essential"
      secure = true
      http_only = true
      same_site = "Strict"
      path = "/app"
      domain = ".app.example.com"

      [[cookie_policy.cookie]]
      name = "_ga*"
      category = "analytics"
      same_site = "None"
      max_age = "17520h"
      """
    let config = try load(text, environment: ["APP_ENV": "production"]).get()
    let policy = try XCTUnwrap(config.cookiePolicy)
    XCTAssertEqual(
      policy.environment,
      CookiePolicySettings.Environment(
        name: "production", domain: "example.com", forceSecure: true, allowedSubdomains: ["www", "app"]))
    XCTAssertEqual(policy.onUnknown, .strip)
    XCTAssertEqual(policy.consentCookie, "consent")
    XCTAssertEqual(policy.consentVersion, 3)
    XCTAssertEqual(policy.reservedPrefix, "/_gh/")
    XCTAssertEqual(policy.consentPath, "/_gh/consent")
    XCTAssertEqual(
      policy.rules,
      [
        CookiePolicySettings.Rule(
          pattern: "JSESSIONID", category: .essential, secure: true, httpOnly: true, sameSite: .strict,
          path: "/app", domain: "app.example.com"),
        CookiePolicySettings.Rule(
          pattern: "_ga*", category: .analytics, sameSite: SetCookie.SameSite.none, maxAge: 17520 * 3600),
      ])
    XCTAssertTrue(config.ownedCookieNames.contains("consent"), "the app may not set the consent cookie")
  }

  func testDefaults() throws {
    let policy = try XCTUnwrap(try load("[cookie_policy]\n" + environments).get().cookiePolicy)
    XCTAssertEqual(policy.environment.name, "production")
    XCTAssertEqual(policy.onUnknown, .pass)
    XCTAssertEqual(policy.consentCookie, "gatehouse_consent")
    XCTAssertEqual(policy.consentVersion, 1)
    XCTAssertEqual(policy.reservedPrefix, "/.gatehouse/")
    XCTAssertEqual(policy.rules, [])
  }

  /// What `gatehouse check` refuses: each case with the key and a word of the message.
  func testRefusals() {
    let cases: [(name: String, text: String, env: [String: String], key: String, says: String)] = [
      (
        "SameSite=None without Secure",
        withRule("name = \"_ga\"\ncategory = \"analytics\"\nsame_site = \"None\"\nsecure = false"), [:],
        "cookie_policy.cookie[1].same_site", "needs Secure"
      ),
      (
        "__Secure- without Secure",
        withRule("name = \"__Secure-id\"\ncategory = \"essential\"\nsecure = false"),
        [:], "cookie_policy.cookie[1].secure", "__Secure-"
      ),
      (
        "__Host- glob with a Domain",
        withRule("name = \"__Host-*\"\ncategory = \"essential\"\ndomain = \"example.com\""), [:],
        "cookie_policy.cookie[1].domain", "__Host-"
      ),
      (
        "__Host- with another Path",
        withRule("name = \"__Host-id\"\ncategory = \"essential\"\npath = \"/app\""),
        [:], "cookie_policy.cookie[1].path", "Path=/"
      ),
      (
        "domain outside the site", withRule("name = \"a\"\ncategory = \"essential\"\ndomain = \"evil.com\""),
        [:], "cookie_policy.cookie[1].domain", "outside the site"
      ),
      (
        "a suffix that is not a subdomain",
        withRule("name = \"a\"\ncategory = \"essential\"\ndomain = \"notexample.com\""), [:],
        "cookie_policy.cookie[1].domain", "outside the site"
      ),
      (
        "a subdomain not allowed",
        withRule("name = \"a\"\ncategory = \"essential\"\ndomain = \"api.example.com\""),
        [:], "cookie_policy.cookie[1].domain", "outside the site"
      ),
      (
        "unknown category", withRule("name = \"a\"\ncategory = \"tracking\""), [:],
        "cookie_policy.cookie[1].category", "unknown category"
      ),
      ("missing category", withRule("name = \"a\""), [:], "cookie_policy.cookie[1].category", "missing"),
      ("missing name", withRule("category = \"analytics\""), [:], "cookie_policy.cookie[1].name", "missing"),
      (
        "bad glob", withRule("name = \"a b*\"\ncategory = \"analytics\""), [:],
        "cookie_policy.cookie[1].name",
        "glob"
      ),
      (
        "bad SameSite", withRule("name = \"a\"\ncategory = \"analytics\"\nsame_site = \"Loose\""), [:],
        "cookie_policy.cookie[1].same_site", "SameSite"
      ),
      (
        "relative path", withRule("name = \"a\"\ncategory = \"analytics\"\npath = \"app\""), [:],
        "cookie_policy.cookie[1].path", "start with"
      ),
      (
        "max_age of zero", withRule("name = \"a\"\ncategory = \"analytics\"\nmax_age = \"0s\""), [:],
        "cookie_policy.cookie[1].max_age", "out of range"
      ),
      (
        "unknown rule key", withRule("name = \"a\"\ncategory = \"analytics\"\nhttponly = true"), [:],
        "cookie_policy.cookie[1].httponly", "http_only"
      ),
      (
        "unknown environment",
        withRule("name = \"a\"\ncategory = \"essential\"", top: "environment = \"staging\""),
        [:], "cookie_policy.environment", "production"
      ),
      (
        "env: variable unset",
        withRule("name = \"a\"\ncategory = \"essential\"", top: "environment = \"env:APP_ENV\""),
        [:], "cookie_policy.environment", "APP_ENV is not set"
      ),
      (
        "on_unknown", withRule("name = \"a\"\ncategory = \"essential\"", top: "on_unknown = \"keep\""), [:],
        "cookie_policy.on_unknown", "strip"
      ),
      (
        "reserved_prefix without a trailing /",
        withRule("name = \"a\"\ncategory = \"essential\"", top: "reserved_prefix = \"/.gatehouse\""), [:],
        "cookie_policy.reserved_prefix", "end with"
      ),
      (
        "consent_cookie not a token",
        withRule("name = \"a\"\ncategory = \"essential\"", top: "consent_cookie = \"a;b\""), [:],
        "cookie_policy.consent_cookie", "cookie name"
      ),
      (
        "environment without a domain",
        "[cookie_policy]\n[cookie_policy.environments.production]\nforce_secure = true\n",
        [:], "cookie_policy.environments.production.domain", "missing"
      ),
      (
        "bad domain", "[cookie_policy]\n[cookie_policy.environments.production]\ndomain = \"exa mple.com\"\n",
        [:],
        "cookie_policy.environments.production.domain", "not a valid domain"
      ),
    ]
    for c in cases {
      switch load(c.text, environment: c.env) {
      case .success:
        XCTFail("\(c.name): accepted")
      case .failure(let errors):
        XCTAssertTrue(
          errors.issues.contains { $0.key == c.key && $0.message.contains(c.says) && $0.line > 0 },
          "\(c.name): \(errors.issues)")
      }
    }
  }

  /// In development the environment does not force Secure: a SameSite=None rule that says nothing
  /// about Secure is still accepted (the rewrite adds Secure, as browsers require).
  func testSameSiteNoneWithoutASecureKeyIsAccepted() throws {
    let text = withRule(
      "name = \"_ga\"\ncategory = \"analytics\"\nsame_site = \"None\"", top: "environment = \"development\"")
    XCTAssertEqual(try load(text).get().cookiePolicy?.rules.count, 1)
  }
}
