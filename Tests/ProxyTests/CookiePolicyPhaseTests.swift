import Config
import Foundation
import HTTP1
import XCTest

@testable import Proxy

/// The consent and cookie-policy phases in an exchange: the endpoint's reply on the wire (and the
/// connection going on after it), the body read for a POST, and the response rewrite.
final class CookiePolicyPhaseTests: XCTestCase {
  private static let settings = CookiePolicySettings(
    environment: .init(name: "production", domain: "a.test", forceSecure: true),
    rules: [
      .init(pattern: "sid", category: .essential, httpOnly: true, sameSite: .strict),
      .init(pattern: "_ga*", category: .analytics, sameSite: SetCookie.SameSite.none),
    ])

  private func harness() throws -> ExchangeHarness {
    try ExchangeHarness(runtime: .testing(cookiePolicy: Self.settings))
  }

  func testTheEndpointAnswersItselfAndTheConnectionGoesOn() throws {
    let h = try harness()
    h.clientSends("GET /.gatehouse/consent HTTP/1.1\r\nHost: a.test\r\n\r\n")
    XCTAssertTrue(h.clientText.hasPrefix("HTTP/1.1 200 OK\r\n"), h.clientText)
    XCTAssertTrue(h.clientText.contains("content-type: application/json\r\n"), h.clientText)
    XCTAssertTrue(
      h.clientText.hasSuffix("\r\n\r\n{\"version\":1,\"given\":false,\"categories\":[\"essential\"]}\n"),
      h.clientText)
    XCTAssertEqual(h.upstreamText, "", "the app never sees a reserved path")
    h.clientSends("GET /next HTTP/1.1\r\nHost: a.test\r\n\r\n")
    h.upstreamConnects()
    XCTAssertTrue(h.upstreamText.hasPrefix("GET /next HTTP/1.1\r\n"), h.upstreamText)
    XCTAssertTrue(h.upstreamText.contains("\r\nx-cookie-consent: essential\r\n"), h.upstreamText)
  }

  func testAPostWaitsForItsBodyThenSetsTheCookie() throws {
    let h = try harness()
    let body = "categories=analytics"
    h.clientSends(
      "POST /.gatehouse/consent HTTP/1.1\r\nHost: a.test\r\nOrigin: http://a.test\r\n"
        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\n\r\ncateg"
    )
    XCTAssertEqual(h.clientText, "", "waits for the whole body")
    h.clientSends(String(body.dropFirst(5)) + "GET /after HTTP/1.1\r\nHost: a.test\r\n\r\n")
    XCTAssertTrue(h.clientText.hasPrefix("HTTP/1.1 200 OK\r\n"), h.clientText)
    XCTAssertTrue(h.clientText.contains("\r\nset-cookie: gatehouse_consent="), h.clientText)
    XCTAssertTrue(h.clientText.contains("\"given\":true"), h.clientText)
    h.upstreamConnects()
    XCTAssertTrue(h.upstreamText.hasPrefix("GET /after HTTP/1.1\r\n"), "the body was not taken for a request")
  }

  func testTheResponseIsRewrittenAndUnconsentedCookiesDropped() throws {
    let h = try harness()
    h.clientSends("GET /page HTTP/1.1\r\nHost: a.test\r\nCookie: _ga=1; sid=2\r\n\r\n")
    h.upstreamConnects()
    XCTAssertTrue(h.upstreamText.contains("\r\ncookie: sid=2\r\n"), h.upstreamText)
    h.upstreamSends(
      "HTTP/1.1 200 OK\r\nSet-Cookie: sid=3\r\nSet-Cookie: _ga=2\r\nSet-Cookie: bad\r\nContent-Length: 0\r\n\r\n"
    )
    let text = h.clientText
    XCTAssertTrue(text.contains("\r\nset-cookie: sid=3; Secure; HttpOnly; SameSite=Strict\r\n"), text)
    XCTAssertTrue(
      text.contains(
        "\r\nset-cookie: _ga=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure; SameSite=None\r\n"
      ),
      text)
    XCTAssertFalse(text.contains("Set-Cookie:"), "no line of the app's passes as written: \(text)")
    let lines = h.log.lines()
    XCTAssertTrue(lines.contains { $0.contains("unparsable_set_cookie") }, "\(lines)")
    let metrics = h.worker.metrics
    let columns = MetricLabels.cookieActions.count
    XCTAssertEqual(metrics.cookies.load(0 * columns + Int(CookieAction.rewritten.rawValue)), 1)
    XCTAssertEqual(metrics.cookies.load(2 * columns + Int(CookieAction.droppedNoConsent.rawValue)), 1)
    XCTAssertEqual(metrics.cookies.load(2 * columns + Int(CookieAction.strippedRequest.rawValue)), 1)
    XCTAssertEqual(metrics.cookies.load(4 * columns + Int(CookieAction.droppedUnparsable.rawValue)), 1)
  }

  /// One valid consent cookie counts; a second copy (same field or another) reads as none.
  func testOnlyASingleConsentCookieCounts() throws {
    let value = ConsentRecord(
      version: 1, time: Int64(Date().timeIntervalSince1970), categories: [.analytics]
    ).encoded()
    let cases: [(name: String, cookies: [String], consent: String)] = [
      ("one copy", ["gatehouse_consent=\(value)"], "essential, analytics"),
      ("two copies in one field", ["gatehouse_consent=\(value); gatehouse_consent=\(value)"], "essential"),
      (
        "two copies in two fields", ["gatehouse_consent=\(value)", "gatehouse_consent=\(value)"], "essential"
      ),
      ("a broken copy first", ["gatehouse_consent=x", "gatehouse_consent=\(value)"], "essential"),
    ]
    for c in cases {
      let h = try harness()
      h.clientSends(
        "GET /p HTTP/1.1\r\nHost: a.test\r\n" + c.cookies.map { "Cookie: \($0)\r\n" }.joined() + "\r\n")
      h.upstreamConnects()
      XCTAssertTrue(
        h.upstreamText.contains("\r\nx-cookie-consent: \(c.consent)\r\n"), "\(c.name): \(h.upstreamText)")
    }
  }
}
