import Foundation
import XCTest

/// Issue 5: requests without a usable session (none, forged, truncated, bound elsewhere) get a
/// redirect or 401 and never reach the upstream.
final class SessionRejectionTests: SessionTestCase {
  func testUnauthenticatedRedirectOr401() throws {
    let gatehouse = try startSessionGatehouse()
    let html = ("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
    let cases:
      [(
        name: String, method: String, target: String, headers: [(String, String)], status: Int, next: String?
      )] = [
        ("browser navigation on an auto route", "GET", "/app/x", [html], 302, "/app/x"),
        ("HEAD navigation", "HEAD", "/app/x", [html], 302, "/app/x"),
        ("query kept in next", "GET", "/app/x?q=1&r=2", [html], 302, "/app/x?q=1&r=2"),
        ("API client on an auto route", "GET", "/app/x", [("Accept", "application/json")], 401, nil),
        ("no Accept on an auto route", "GET", "/app/x", [], 401, nil),
        ("POST from a browser", "POST", "/app/x", [html], 401, nil),
        ("deny route even for a browser", "GET", "/api/x", [html], 401, nil),
      ]
    for c in cases {
      let before = upstream.requests.count
      let (response, _) = try request(gatehouse, c.method, c.target, ticket: nil, headers: c.headers)
      XCTAssertEqual(response.status, c.status, "\(c.name): \(response)")
      XCTAssertEqual(upstream.requests.count, before, "\(c.name): reached the upstream")
      if c.status == 302 {
        let location = response.headers.value("Location") ?? ""
        XCTAssertTrue(location.hasPrefix("/login?next="), "\(c.name): Location \(location)")
        XCTAssertEqual(nextParameter(location), c.next, "\(c.name): next in \(location)")
      }
      if c.status == 401 && c.method != "HEAD" {
        XCTAssertTrue(
          response.headers.value("Content-Type")?.contains("application/json") ?? false,
          "\(c.name): 401 is JSON: \(response)")
      }
    }
    XCTAssertEqual(
      try request(gatehouse, "GET", "/app/x", ticket: nil, headers: [html]).response.headers.value(
        "Location"),
      "/login?next=%2Fapp%2Fx", "the exact redirect for /app/x")
  }

  func testNextNeverLeadsOffSite() throws {
    let gatehouse = try startSessionGatehouse()
    for target in ["/app//evil.com", "/app//evil.com/x?y=//z", "/app/%2F%2Fevil.com", "/app/\\evil.com"] {
      let (response, _) = try request(
        gatehouse, "GET", target, ticket: nil, headers: [("Accept", "text/html")])
      if response.status == 400 { continue }  // refusing the target outright is safe too
      XCTAssertEqual(response.status, 302, "\(target): \(response)")
      let location = response.headers.value("Location") ?? ""
      XCTAssertTrue(location.hasPrefix("/login"), "\(target): Location \(location)")
      XCTAssertFalse(location.hasPrefix("//"), "\(target): Location \(location)")
      if let next = nextParameter(location) {
        XCTAssertTrue(next.hasPrefix("/"), "\(target): next \(next)")
        XCTAssertFalse(
          next.hasPrefix("//") || next.hasPrefix("/\\"), "\(target): next \(next) leaves the site")
      }
    }
  }

  func testForgedAndTruncatedTicketsCountAsNoSession() throws {
    let gatehouse = try startSessionGatehouse()
    let (ticket, _, _) = try login(gatehouse, "alice")
    XCTAssertTrue(try isAlive(gatehouse, ticket, "the genuine ticket"))
    let cases: [(name: String, value: String)] = [
      ("truncated", String(ticket.dropLast(5))),
      ("half", String(ticket.prefix(ticket.count / 2))),
      ("one character changed", tampered(ticket)),
      ("extra character", ticket + "A"),
      ("garbage", "not-a-ticket"),
      ("empty", ""),
      ("another key's format", "v1." + String(repeating: "A", count: ticket.count)),
    ]
    for c in cases {
      XCTAssertNotEqual(c.value, ticket, c.name)
      let before = upstream.requests.count
      let (api, _) = try request(gatehouse, "GET", "/api/x", ticket: c.value)
      XCTAssertEqual(api.status, 401, "\(c.name) on a deny route: \(api)")
      let (app, _) = try request(
        gatehouse, "GET", "/app/x", ticket: c.value, headers: [("Accept", "text/html")])
      XCTAssertEqual(app.status, 302, "\(c.name) on an auto route: \(app)")
      XCTAssertEqual(app.headers.value("Location"), "/login?next=%2Fapp%2Fx", c.name)
      XCTAssertEqual(upstream.requests.count, before, "\(c.name): reached the upstream")
    }
    XCTAssertTrue(try isAlive(gatehouse, ticket, "the genuine ticket after the forgeries"))
    let (both, _) = try request(
      gatehouse, "GET", "/api/x", ticket: ticket, extraCookies: "\(Self.cookieName)=\(tampered(ticket))")
    XCTAssertEqual(both.status, 401, "two session cookies are ambiguous and count as none: \(both)")
  }

  func testIPBindingThroughTrustedProxy() throws {
    let gatehouse = try startSessionGatehouse(trustedProxies: ["127.0.0.1/32"])
    let (ticket, _, _) = try login(gatehouse, "alice", headers: [("X-Forwarded-For", "10.1.2.3")])
    XCTAssertTrue(try isAlive(gatehouse, ticket, headers: [("X-Forwarded-For", "10.1.2.3")], "same client"))
    XCTAssertTrue(try isAlive(gatehouse, ticket, headers: [("X-Forwarded-For", "10.1.2.200")], "same /24"))
    XCTAssertTrue(
      try isAlive(
        gatehouse, ticket, headers: [("X-Forwarded-For", "192.0.2.1, 10.1.2.4")], "right-most hop counts"))
    XCTAssertFalse(
      try isAlive(gatehouse, ticket, headers: [("X-Forwarded-For", "10.9.9.9")], "another subnet"))
  }

  func testForwardedForFromUntrustedPeerIsIgnored() throws {
    let gatehouse = try startSessionGatehouse()
    let (ticket, _, _) = try login(gatehouse, "alice", headers: [("X-Forwarded-For", "10.1.2.3")])
    XCTAssertTrue(
      try isAlive(gatehouse, ticket, headers: [("X-Forwarded-For", "10.9.9.9")], "spoofed header ignored"))
    XCTAssertTrue(try isAlive(gatehouse, ticket, "no header"))
  }

  func testUserAgentBinding() throws {
    let gatehouse = try startSessionGatehouse()
    let cases: [(name: String, later: [(String, String)], alive: Bool)] = [
      ("same User-Agent", [("User-Agent", "Browser/1.0")], true),
      ("changed User-Agent", [("User-Agent", "Other/2.0")], false),
      ("User-Agent removed", [], false),
    ]
    for c in cases {
      let (ticket, _, _) = try login(gatehouse, "ua-\(c.alive)", headers: [("User-Agent", "Browser/1.0")])
      XCTAssertEqual(try isAlive(gatehouse, ticket, headers: c.later, c.name), c.alive, c.name)
    }
  }

  /// The percent-decoded `next` query parameter of a Location value.
  private func nextParameter(_ location: String) -> String? {
    guard let query = location.split(separator: "?", maxSplits: 1).dropFirst().first else { return nil }
    for pair in query.split(separator: "&") where pair.hasPrefix("next=") {
      return String(pair.dropFirst(5)).removingPercentEncoding
    }
    return nil
  }
}
