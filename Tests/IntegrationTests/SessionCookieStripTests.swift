import XCTest

/// The session cookie never reaches the app: `UpstreamRequestPhase` removes it from the `Cookie`
/// field, keeps every other pair, and leaves the field out when nothing remains — also when it
/// knows from authentication that the session cookie was the only pair and skips the scan
/// (docs/performance.md, "The shared pipeline, round 7").
final class SessionCookieStripTests: SessionTestCase {
  func testTheAppReceivesEveryCookieButTheSessionCookie() throws {
    let gatehouse = try startSessionGatehouse()
    let (ticket, _, _) = try login(gatehouse, "alice")
    let pair = "\(Self.cookieName)=\(ticket)"
    let cases: [(name: String, cookieFields: [String], app: [String])] = [
      ("the session cookie alone", [pair], []),
      ("alone between empty segments and whitespace", [" ;\(pair) ; "], []),
      ("another pair before it", ["theme=dark; \(pair)"], ["theme=dark"]),
      ("another pair after it", ["\(pair);lang=en"], ["lang=en"]),
      ("a segment without =", ["\(pair); flag"], ["flag"]),
      ("another Cookie field", ["a=1", pair], ["a=1"]),
    ]
    for (index, c) in cases.enumerated() {
      let target = "/app/strip\(index)"
      let (response, forwarded) = try request(
        gatehouse, "GET", target, ticket: nil, headers: c.cookieFields.map { ("Cookie", $0) })
      XCTAssertEqual(response.status, 200, "\(c.name): \(response)")
      XCTAssertEqual(forwarded?.headers.values("Cookie"), c.app, c.name)
    }
  }
}
