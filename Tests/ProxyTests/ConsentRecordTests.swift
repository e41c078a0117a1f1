import Config
import Crypto
import XCTest

@testable import Proxy

/// 2026-01-01T00:00:00Z.
private let now: Int64 = 1_767_225_600

private func encode(_ json: String) -> String { Base64URL.encode(Array(json.utf8)) }

final class ConsentRecordTests: XCTestCase {
  func testEncoding() {
    let record = ConsentRecord(version: 2, time: now, categories: [.analytics, .functional])
    // {"v":2,"t":1767225600,"c":["functional","analytics"]}
    XCTAssertEqual(
      record.encoded(), encode("{\"v\":2,\"t\":1767225600,\"c\":[\"functional\",\"analytics\"]}"))
    XCTAssertEqual(ConsentRecord.decode(record.encoded(), version: 2, now: now), record)
    XCTAssertTrue(record.categories.contains(.essential), "essential is always in")
    let none = ConsentRecord(version: 1, time: now, categories: [])
    XCTAssertEqual(none.encoded(), encode("{\"v\":1,\"t\":1767225600,\"c\":[]}"))
  }

  func testDecodeTable() {
    let cases: [(name: String, value: String, expect: CookieCategories?)] = [
      ("valid", encode("{\"v\":1,\"t\":1767225600,\"c\":[\"analytics\"]}"), [.essential, .analytics]),
      (
        "members in any order", encode("{\"c\":[\"marketing\"],\"t\":1767225600,\"v\":1}"),
        [.essential, .marketing]
      ),
      ("essential written out", encode("{\"v\":1,\"t\":1767225600,\"c\":[\"essential\"]}"), .essential),
      ("empty choice", encode("{\"v\":1,\"t\":1767225600,\"c\":[]}"), .essential),
      ("other version: asks again", encode("{\"v\":2,\"t\":1767225600,\"c\":[\"analytics\"]}"), nil),
      ("a year old", encode("{\"v\":1,\"t\":\(now - 365 * 24 * 3600),\"c\":[]}"), nil),
      ("just under a year", encode("{\"v\":1,\"t\":\(now - 365 * 24 * 3600 + 1),\"c\":[]}"), .essential),
      ("from the future", encode("{\"v\":1,\"t\":\(now + 3600),\"c\":[]}"), nil),
      ("within the skew", encode("{\"v\":1,\"t\":\(now + 60),\"c\":[]}"), .essential),
      ("unknown category", encode("{\"v\":1,\"t\":1767225600,\"c\":[\"tracking\"]}"), nil),
      ("category not a string", encode("{\"v\":1,\"t\":1767225600,\"c\":[1]}"), nil),
      ("extra member", encode("{\"v\":1,\"t\":1767225600,\"c\":[],\"x\":1}"), nil),
      ("missing member", encode("{\"v\":1,\"t\":1767225600}"), nil),
      ("duplicate member", encode("{\"v\":1,\"v\":1,\"t\":1767225600,\"c\":[]}"), nil),
      ("version as a string", encode("{\"v\":\"1\",\"t\":1767225600,\"c\":[]}"), nil),
      ("not JSON", encode("analytics"), nil),
      ("not an object", encode("[1,2,3]"), nil),
      ("padded base64", encode("{\"v\":1,\"t\":1767225600,\"c\":[]}") + "=", nil),
      ("standard alphabet", "eyJ2IjoxLCJ0IjoxNzY3MjI1NjAwLCJjIjpbXX0+", nil),
      ("empty", "", nil),
      ("too long", String(repeating: "A", count: 600), nil),
    ]
    for c in cases {
      XCTAssertEqual(ConsentRecord.decode(c.value, version: 1, now: now)?.categories, c.expect, c.name)
    }
  }

  func testConsentCookie() throws {
    let settings = CookiePolicySettings(
      environment: .init(name: "production", domain: "example.com", forceSecure: true))
    let record = ConsentRecord(version: 1, time: now, categories: [.analytics])
    let cookie = try XCTUnwrap(CookiePolicy(settings).consentSetCookie(record))
    XCTAssertEqual(
      cookie,
      "gatehouse_consent=\(record.encoded()); Path=/; Max-Age=31536000; Secure; HttpOnly; SameSite=Lax")
    let development = CookiePolicySettings(
      environment: .init(name: "development", domain: "localhost", forceSecure: false))
    let plain = try XCTUnwrap(CookiePolicy(development).consentSetCookie(record))
    XCTAssertFalse(plain.contains("Secure"), "no Secure in development: \(plain)")
  }

  /// The endpoint's POST bodies and the app's `Gatehouse-Consent` lists.
  func testChoiceBodiesAndLists() {
    let forms: [(String, Bool, CookieCategories?)] = [
      ("categories=analytics", false, [.essential, .analytics]),
      ("categories=analytics%2Cfunctional", false, [.essential, .analytics, .functional]),
      ("categories=analytics,+marketing", false, [.essential, .analytics, .marketing]),
      ("categories=", false, .essential),
      ("other=1", false, .essential),
      ("categories=tracking", false, nil),
      ("categories=%ZZ", false, nil),
      ("{\"categories\":[\"functional\"]}", true, [.essential, .functional]),
      ("{\"categories\":[]}", true, .essential),
      ("{\"categories\":\"functional\"}", true, nil),
      ("{\"categories\":[\"spying\"]}", true, nil),
      ("[]", true, nil),
    ]
    for (body, json, expect) in forms {
      XCTAssertEqual(ConsentEndpoint.categories(in: Array(body.utf8), json: json), expect, body)
    }
    let lists: [(String, CookieCategories?)] = [
      ("analytics, functional", [.essential, .analytics, .functional]),
      (" marketing ,", [.essential, .marketing]),
      ("", .essential),
      ("essential", .essential),
      ("Analytics", nil),
      ("analytics;functional", nil),
    ]
    for (text, expect) in lists {
      XCTAssertEqual(CookieCategories.parseList(Substring(text)), expect, text)
    }
  }
}
