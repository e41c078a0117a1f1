import Foundation
import XCTest

/// `[cookie_policy]` through the built binary (docs/cookies.md): the app's cookies rewritten per
/// rule, analytics cookies only with consent (both directions), the consent endpoint, the app's
/// `Gatehouse-Consent` header, and `X-Cookie-Consent` to the app.
final class CookiePolicyProxyTests: GatehouseTestCase {
  static let policy = """
    [cookie_policy]
    environment = "production"
    on_unknown = "pass"

    [cookie_policy.environments.production]
    domain = "gatehouse.test"
    force_secure = true

    [cookie_policy.environments.development]
    domain = "localhost"
    force_secure = false

    [[cookie_policy.cookie]]
    name = "JSESSIONID"
    category = "essential"
    http_only = true
    same_site = "Strict"

    [[cookie_policy.cookie]]
    name = "_ga*"
    category = "analytics"
    same_site = "None"
    max_age = "17520h"

    """

  private func startPolicyGatehouse() throws -> GatehouseProcess {
    try startGatehouse(ProxyConfig(maxBodyBytes: 65536, extraTOML: Self.policy))
  }

  /// A target of the echo upstream that answers with `lines` as response headers.
  private func responding(_ path: String, _ lines: [String]) -> String {
    path + "/respond-with?"
      + lines.map { "h=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") }
      .joined(separator: "&")
  }

  /// Posts a consent choice and returns the consent cookie pair (`name=value`).
  private func consent(_ gatehouse: GatehouseProcess, _ form: String) throws -> String {
    let (response, _) = try send(
      gatehouse, "POST", "/.gatehouse/consent",
      headers: [
        ("Content-Type", "application/x-www-form-urlencoded"), ("Origin", "http://gatehouse.test"),
        ("Sec-Fetch-Site", "same-origin"),
      ], body: Array(form.utf8))
    XCTAssertEqual(response.status, 200, "\(response)")
    let cookie = try XCTUnwrap(
      response.headers.values("Set-Cookie").first { $0.hasPrefix("gatehouse_consent=") })
    return String(cookie.prefix { $0 != ";" })
  }

  private func metric(_ gatehouse: GatehouseProcess, category: String, action: String) throws -> Double {
    let client = try RawClient(port: gatehouse.adminPort)
    defer { client.close() }
    try client.sendRequest("GET", "/metrics", host: "127.0.0.1")
    let body = try client.readResponse().bodyText
    let labels = "{action=\"\(action)\",category=\"\(category)\"}"
    for line in body.split(separator: "\n") where line.hasPrefix("gatehouse_cookies_rewritten_total") {
      let text = String(line)
      let alt = "{category=\"\(category)\",action=\"\(action)\"}"
      if text.contains(labels) || text.contains(alt),
        let value = Double(text.split(separator: " ").last ?? "")
      {
        return value
      }
    }
    return 0
  }

  func testAnInsecureCookieIsRewrittenPerItsRuleAndAnUnparsableOneDropped() throws {
    let gatehouse = try startPolicyGatehouse()
    let target = responding(
      "/rewrite",
      [
        "Set-Cookie: JSESSIONID=abc123; Path=/", "Set-Cookie: theme=dark; Path=/",
        "Set-Cookie: broken cookie=1", "Set-Cookie: __Host-x=1; Path=/",
      ])
    let (response, forwarded) = try send(gatehouse, "GET", target)
    XCTAssertEqual(response.status, 200, "\(response)")
    XCTAssertNotNil(forwarded)
    let cookies = response.headers.values("Set-Cookie")
    XCTAssertTrue(
      cookies.contains("JSESSIONID=abc123; Path=/; Secure; HttpOnly; SameSite=Strict"), "\(cookies)")
    XCTAssertTrue(cookies.contains("theme=dark; Path=/"), "on_unknown = pass keeps it as written: \(cookies)")
    XCTAssertFalse(cookies.contains { $0.hasPrefix("broken") }, "unparsable dropped: \(cookies)")
    XCTAssertFalse(
      cookies.contains { $0.hasPrefix("__Host-x") }, "a prefix violation is unparsable: \(cookies)")
    XCTAssertEqual(cookies.count, 2, "\(cookies)")
    XCTAssertTrue(
      waitUntil(timeout: 10) {
        gatehouse.logs.components(separatedBy: "unparsable_set_cookie").count - 1 == 2
      },
      "one security event per unparsable line: \(gatehouse.logs)")
    XCTAssertEqual(try metric(gatehouse, category: "essential", action: "rewritten"), 1)
    XCTAssertEqual(try metric(gatehouse, category: "unknown", action: "dropped_unparsable"), 2)
  }

  func testAnAnalyticsCookieIsDroppedWithoutConsentAndKeptWithIt() throws {
    let gatehouse = try startPolicyGatehouse()
    let target = responding("/ga", ["Set-Cookie: _ga=GA1.2.3; Max-Age=999999999; Path=/"])

    // No consent: the app's _ga is dropped, the browser's copy is withheld from the app and deleted.
    let (without, forwardedWithout) = try send(
      gatehouse, "GET", target, headers: [("Cookie", "_ga=old; theme=x")])
    XCTAssertEqual(without.status, 200, "\(without)")
    XCTAssertEqual(forwardedWithout?.headers.values("Cookie"), ["theme=x"], "unconsented cookie withheld")
    XCTAssertEqual(forwardedWithout?.headers.values("X-Cookie-Consent"), ["essential"])
    let deletions = without.headers.values("Set-Cookie")
    XCTAssertEqual(deletions.count, 1, "\(deletions)")
    XCTAssertTrue(
      (deletions.first ?? "").hasPrefix("_ga=; Path=/; Max-Age=0"),
      "a deletion for the presented copy: \(deletions)")

    // Without a presented copy: dropped, nothing to delete.
    let (fresh, _) = try send(gatehouse, "GET", target)
    XCTAssertEqual(fresh.headers.values("Set-Cookie"), [], "\(fresh)")

    // With consent: forwarded both ways, lifetime capped at two years, SameSite=None needs Secure.
    let consentPair = try consent(gatehouse, "categories=analytics")
    let (with, forwardedWith) = try send(
      gatehouse, "GET", target, headers: [("Cookie", "_ga=old; \(consentPair)")])
    XCTAssertEqual(with.status, 200, "\(with)")
    XCTAssertEqual(
      with.headers.values("Set-Cookie"), ["_ga=GA1.2.3; Path=/; Max-Age=63072000; Secure; SameSite=None"])
    let cookieSeen = try XCTUnwrap(forwardedWith?.headers.values("Cookie").first)
    XCTAssertTrue(cookieSeen.hasPrefix("_ga=old"), "consented cookie reaches the app: \(cookieSeen)")
    XCTAssertEqual(forwardedWith?.headers.values("X-Cookie-Consent"), ["essential, analytics"])
    XCTAssertEqual(try metric(gatehouse, category: "analytics", action: "dropped_no_consent"), 2)
    XCTAssertEqual(try metric(gatehouse, category: "analytics", action: "stripped_request"), 1)
    XCTAssertEqual(try metric(gatehouse, category: "analytics", action: "rewritten"), 1)
  }

  func testTheConsentEndpointRoundTrip() throws {
    let gatehouse = try startPolicyGatehouse()
    let before = upstream.requests.count
    let (initial, _) = try send(gatehouse, "GET", "/.gatehouse/consent")
    XCTAssertEqual(initial.status, 200, "\(initial)")
    XCTAssertEqual(initial.bodyText, "{\"version\":1,\"given\":false,\"categories\":[\"essential\"]}\n")

    let pair = try consent(gatehouse, "categories=functional%2Canalytics")
    let (after, _) = try send(gatehouse, "GET", "/.gatehouse/consent", headers: [("Cookie", pair)])
    XCTAssertTrue(
      after.bodyText.contains("\"given\":true")
        && after.bodyText.contains("\"essential\",\"functional\",\"analytics\"]"),
      after.bodyText)

    // JSON works too; the cookie is Secure in production, Lax, a year long.
    let (json, _) = try send(
      gatehouse, "POST", "/.gatehouse/consent",
      headers: [("Content-Type", "application/json"), ("Origin", "http://gatehouse.test")],
      body: Array("{\"categories\":[\"marketing\"]}".utf8))
    XCTAssertEqual(json.status, 200, "\(json)")
    XCTAssertTrue(json.bodyText.contains("[\"essential\",\"marketing\"]"), json.bodyText)
    let set = try XCTUnwrap(json.headers.values("Set-Cookie").first)
    XCTAssertTrue(
      set.contains("Max-Age=31536000") && set.contains("Secure") && set.contains("SameSite=Lax"), set)

    // Cross-site posts are refused; so are unknown categories.
    for (name, headers) in [
      ("Sec-Fetch-Site: cross-site", [("Sec-Fetch-Site", "cross-site")]),
      ("foreign Origin", [("Origin", "https://evil.example")]), ("Origin: null", [("Origin", "null")]),
    ] {
      let (refused, _) = try send(
        gatehouse, "POST", "/.gatehouse/consent",
        headers: headers + [("Content-Type", "application/x-www-form-urlencoded")],
        body: Array("categories=analytics".utf8))
      XCTAssertEqual(refused.status, 403, "\(name): \(refused)")
      XCTAssertFalse(refused.headers.contains("Set-Cookie"), name)
    }
    let (bad, _) = try send(
      gatehouse, "POST", "/.gatehouse/consent",
      headers: [("Content-Type", "application/x-www-form-urlencoded")],
      body: Array("categories=tracking".utf8))
    XCTAssertEqual(bad.status, 400, "\(bad)")
    let (other, _) = try send(gatehouse, "GET", "/.gatehouse/other")
    XCTAssertEqual(other.status, 404, "\(other)")
    let (put, _) = try send(gatehouse, "PUT", "/.gatehouse/consent")
    XCTAssertEqual(put.status, 405, "\(put)")
    XCTAssertEqual(upstream.requests.count, before, "reserved paths never reach the app")
  }

  func testTheAppsConsentHeaderSetsTheCookieAndIsNotForwarded() throws {
    let gatehouse = try startPolicyGatehouse()
    let target = responding("/app-consent", ["Gatehouse-Consent: analytics", "Set-Cookie: _ga=1"])
    let (response, _) = try send(gatehouse, "GET", target)
    XCTAssertEqual(response.status, 200, "\(response)")
    XCTAssertFalse(response.headers.contains("Gatehouse-Consent"), "\(response)")
    let cookies = response.headers.values("Set-Cookie")
    XCTAssertTrue(cookies.contains { $0.hasPrefix("gatehouse_consent=") }, "\(cookies)")
    XCTAssertTrue(
      cookies.contains("_ga=1; Secure; SameSite=None"), "the new consent applies at once: \(cookies)")
    let (invalid, _) = try send(gatehouse, "GET", responding("/bad-consent", ["Gatehouse-Consent: tracking"]))
    XCTAssertEqual(invalid.status, 502, "an invalid header is the app's bug: \(invalid)")
  }

  func testXCookieConsentReachesTheAppAndAClientCopyDoesNot() throws {
    let gatehouse = try startPolicyGatehouse()
    let (response, forwarded) = try send(
      gatehouse, "GET", "/consent-header", headers: [("X-Cookie-Consent", "marketing")])
    XCTAssertEqual(response.status, 200, "\(response)")
    XCTAssertEqual(forwarded?.headers.values("X-Cookie-Consent"), ["essential"])
  }

  /// `gatehouse check` lists the reserved prefix and refuses impossible rules, each with its line.
  func testCheckListsTheReservedPrefixAndRefusesImpossibleRules() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    func check(_ extra: String) throws -> GatehouseCommand.Result {
      let text = GatehouseProcess.render(
        ProxyConfig(extraTOML: extra).toml, port: try PortAllocator.freePort(),
        adminPort: try PortAllocator.freePort(), upstreamPort: upstream.port, directory: directory)
      let path = directory.path("proxy.conf")
      try text.write(toFile: path, atomically: true, encoding: .utf8)
      return try GatehouseCommand.run(["check", "--config", path])
    }
    let good = try check(Self.policy)
    XCTAssertEqual(good.status, .exited(0), "\(good)")
    XCTAssertTrue(good.stdout.contains("reserved paths: /.gatehouse/*"), good.stdout)

    let impossible =
      Self.policy + """
        [[cookie_policy.cookie]]
        name = "tracker"
        category = "marketing"
        same_site = "None"
        secure = false

        [[cookie_policy.cookie]]
        name = "__Host-pref"
        category = "functional"
        domain = "gatehouse.test"

        [[cookie_policy.cookie]]
        name = "wide"
        category = "functional"
        domain = "example.org"

        """
    let refused = try check(impossible)
    XCTAssertEqual(refused.status, .exited(2), "\(refused)")
    for expected in [
      "cookie_policy.cookie[3].same_site: SameSite=None needs Secure",
      "cookie_policy.cookie[4].domain: a __Host- cookie may not have a Domain",
      "cookie_policy.cookie[5].domain: \"example.org\" is outside the site",
    ] {
      XCTAssertTrue(refused.stderr.contains(expected), "\(expected)\n\(refused.stderr)")
    }
  }
}
