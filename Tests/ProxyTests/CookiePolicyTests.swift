import Config
import HTTP1
import XCTest

@testable import Proxy

private typealias C = ParsedSetCookie
private typealias Rule = CookiePolicySettings.Rule

/// 2026-01-01T00:00:00Z.
private let now: Int64 = 1_767_225_600
private let year: Int64 = 365 * 24 * 3600

private let production = CookiePolicySettings.Environment(
  name: "production", domain: "example.com", forceSecure: true, allowedSubdomains: ["www"])
private let development = CookiePolicySettings.Environment(
  name: "development", domain: "localhost", forceSecure: false)

private let rules = [
  Rule(pattern: "JSESSIONID", category: .essential, secure: true, httpOnly: true, sameSite: .strict),
  Rule(pattern: "cart", category: .functional, path: "/shop", maxAge: 7 * 24 * 3600),
  Rule(pattern: "_ga*", category: .analytics, sameSite: SetCookie.SameSite.none, maxAge: 2 * year),
  Rule(pattern: "utm_*", category: .marketing, httpOnly: false, domain: "www.example.com"),
  Rule(pattern: "__Host-*", category: .essential),
]

private func policy(
  _ environment: CookiePolicySettings.Environment = production,
  onUnknown: CookiePolicySettings.OnUnknown = .pass
) -> CookiePolicy {
  CookiePolicy(CookiePolicySettings(environment: environment, onUnknown: onUnknown, rules: rules))
}

final class CookiePolicyTests: XCTestCase {
  /// Rule → rewritten cookie, with full consent.
  func testRewriteTable() {
    let cases: [(name: String, policy: CookiePolicy, input: C, expect: CookieDecision)] = [
      (
        "insecure session cookie gets its rule", policy(), C(name: "JSESSIONID", value: "x", path: "/"),
        .rewrite(
          .essential,
          C(name: "JSESSIONID", value: "x", path: "/", secure: true, httpOnly: true, sameSite: .strict))
      ),
      (
        "already compliant is kept as written", policy(),
        C(name: "JSESSIONID", value: "x", secure: true, httpOnly: true, sameSite: .strict), .keep(.essential)
      ),
      (
        "Max-Age capped", policy(), C(name: "cart", value: "1", maxAge: 30 * 24 * 3600, secure: true),
        .rewrite(.functional, C(name: "cart", value: "1", maxAge: 7 * 24 * 3600, path: "/shop", secure: true))
      ),
      (
        "Expires capped", policy(),
        C(name: "cart", value: "1", expires: now + year, path: "/shop", secure: true),
        .rewrite(
          .functional, C(name: "cart", value: "1", expires: now + 7 * 24 * 3600, path: "/shop", secure: true))
      ),
      (
        "a shorter lifetime is left alone", policy(),
        C(name: "cart", value: "1", maxAge: 60, path: "/shop", secure: true),
        .keep(.functional)
      ),
      (
        "a deletion stays a deletion", policy(),
        C(name: "cart", value: "", maxAge: 0, path: "/shop", secure: true),
        .keep(.functional)
      ),
      (
        "glob rule, SameSite=None", policy(), C(name: "_ga_ABC", value: "1", maxAge: 10 * year),
        .rewrite(
          .analytics,
          C(name: "_ga_ABC", value: "1", maxAge: 2 * year, secure: true, sameSite: SetCookie.SameSite.none))
      ),
      (
        "SameSite=None gets Secure even where the environment does not force it", policy(development),
        C(name: "_ga", value: "1"),
        .rewrite(.analytics, C(name: "_ga", value: "1", secure: true, sameSite: SetCookie.SameSite.none))
      ),
      (
        "development does not force Secure", policy(development), C(name: "cart", value: "1", path: "/shop"),
        .keep(.functional)
      ),
      (
        "rule's domain and HttpOnly off", policy(), C(name: "utm_source", value: "x", httpOnly: true),
        .rewrite(.marketing, C(name: "utm_source", value: "x", domain: "www.example.com", secure: true))
      ),
      (
        "a Domain outside the site becomes host-only", policy(),
        C(name: "cart", value: "1", domain: "evil.com", path: "/shop", secure: true),
        .rewrite(.functional, C(name: "cart", value: "1", path: "/shop", secure: true))
      ),
      (
        "a subdomain not allowed becomes host-only", policy(),
        C(name: "cart", value: "1", domain: "api.example.com", path: "/shop", secure: true),
        .rewrite(.functional, C(name: "cart", value: "1", path: "/shop", secure: true))
      ),
      (
        "the site and its allowed subdomains stay", policy(),
        C(name: "cart", value: "1", domain: "www.example.com", path: "/shop", secure: true),
        .keep(.functional)
      ),
      (
        "__Host- keeps its prefix rules", policy(development),
        C(name: "__Host-id", value: "1", path: "/", secure: true),
        .keep(.essential)
      ),
      (
        "extensions survive a rewrite", policy(),
        C(name: "JSESSIONID", value: "x", extensions: ["Priority=High"]),
        .rewrite(
          .essential,
          C(
            name: "JSESSIONID", value: "x", secure: true, httpOnly: true, sameSite: .strict,
            extensions: ["Priority=High"]))
      ),
      ("unknown, pass: as written", policy(), C(name: "theme", value: "dark"), .keep(nil)),
      ("unknown, strip", policy(onUnknown: .strip), C(name: "theme", value: "dark"), .drop(nil, .unknown)),
      (
        "unknown, essential: the environment applies", policy(onUnknown: .essential),
        C(name: "theme", value: "dark"),
        .rewrite(.essential, C(name: "theme", value: "dark", secure: true))
      ),
    ]
    for c in cases {
      XCTAssertEqual(c.policy.decide(c.input, consent: .all, now: now), c.expect, c.name)
      // Whatever the policy writes, the strict parser reads back the same cookie.
      if case .rewrite(_, let cookie) = c.expect {
        XCTAssertEqual(try SetCookieParser.parse(cookie.fieldValue()), cookie, "\(c.name): round trip")
      }
    }
  }

  /// Consent decides per category; essential never needs it; cookies no rule names pass.
  func testConsentTable() {
    let p = policy()
    let ga = C(name: "_ga", value: "1", secure: true, sameSite: SetCookie.SameSite.none)
    let cases: [(name: String, consent: CookieCategories, cookie: C, dropped: Bool)] = [
      ("analytics without consent", .essential, ga, true),
      ("analytics with analytics", [.essential, .analytics], ga, false),
      ("analytics with marketing only", [.essential, .marketing], ga, true),
      ("essential without consent", .essential, C(name: "JSESSIONID", value: "x"), false),
      ("functional without consent", .essential, C(name: "cart", value: "1"), true),
      ("marketing with all", .all, C(name: "utm_x", value: "1"), false),
      ("unknown without consent", .essential, C(name: "theme", value: "1"), false),
    ]
    for c in cases {
      let decision = p.decide(c.cookie, consent: c.consent, now: now)
      if case .drop(_, .noConsent(let wouldBe)) = decision {
        XCTAssertTrue(c.dropped, "\(c.name): dropped")
        XCTAssertEqual(wouldBe.name, c.cookie.name, c.name)
      } else {
        XCTAssertFalse(c.dropped, "\(c.name): kept (\(decision))")
      }
      XCTAssertEqual(p.allows(c.cookie.name, consent: c.consent), !c.dropped, "\(c.name): allows")
    }
  }

  /// The request side: the filter removes exactly the unconsented categories' cookie names.
  func testConsentFilterOnNames() {
    let filter = ConsentCookieFilter(policy: policy(), consent: [.essential, .functional])
    let cases: [(String, Bool)] = [
      ("_ga", true), ("_ga_X", true), ("utm_source", true), ("cart", false), ("JSESSIONID", false),
      ("theme", false), ("_g", false),
    ]
    for (name, removed) in cases {
      var name = name
      let got = name.withUTF8 { filter.removes($0) }
      XCTAssertEqual(got, removed, name)
    }
  }

  func testReservedPrefixAndHeaderValues() {
    let p = policy()
    func reserved(_ path: String) -> Bool { Array(path.utf8).withUnsafeBytes { p.isReserved($0) } }
    XCTAssertTrue(reserved("/.gatehouse/consent"))
    XCTAssertTrue(reserved("/.gatehouse/"))
    XCTAssertFalse(reserved("/.gatehouse"))
    XCTAssertFalse(reserved("/app/.gatehouse/consent"))
    XCTAssertEqual(p.consentHeaderValues[Int(CookieCategories.essential.rawValue)], "essential")
    XCTAssertEqual(
      p.consentHeaderValues[Int(CookieCategories([.marketing, .functional]).rawValue)],
      "essential, functional, marketing", "canonical order, essential always there")
    XCTAssertEqual(p.ruledCategories, .all)
  }
}
