import Foundation
import XCTest

/// Issue 5, CSRF: unsafe methods on session routes need the session's token (header or form field)
/// and no cross-site signal; a refusal is 403 and nothing reaches the upstream.
final class SessionCSRFTests: SessionTestCase {
  func testUnsafeMethodsNeedTheToken() throws {
    let gatehouse = try startSessionGatehouse()
    let (ticket, _, _) = try login(gatehouse, "alice")
    let token = try identity(gatehouse, ticket).csrf
    let form = ("Content-Type", "application/x-www-form-urlencoded")
    let cases: [(name: String, method: String, headers: [(String, String)], body: String, status: Int)] = [
      ("POST with the header", "POST", [("X-CSRF-Token", token)], "", 200),
      (
        "POST with the header and a body", "POST", [("X-CSRF-Token", token), ("Content-Type", "text/plain")],
        "hello", 200
      ),
      ("PUT with the header", "PUT", [("X-CSRF-Token", token)], "x", 200),
      ("PATCH with the header", "PATCH", [("X-CSRF-Token", token)], "x", 200),
      ("DELETE with the header", "DELETE", [("X-CSRF-Token", token)], "", 200),
      ("form field", "POST", [form], "csrf_token=\(token)&a=b", 200),
      ("form field last", "POST", [form], "a=b&csrf_token=\(token)", 200),
      (
        "form with charset", "POST", [("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")],
        "csrf_token=\(token)", 200
      ),
      (
        "same-origin Origin", "POST", [("X-CSRF-Token", token), ("Origin", "http://gatehouse.test")], "", 200
      ),
      (
        "Sec-Fetch-Site same-origin", "POST", [("X-CSRF-Token", token), ("Sec-Fetch-Site", "same-origin")],
        "", 200
      ),
      ("GET needs no token", "GET", [], "", 200),
      ("HEAD needs no token", "HEAD", [], "", 200),
      ("POST without a token", "POST", [], "", 403),
      ("POST with a body, no token", "POST", [("Content-Type", "text/plain")], "hello", 403),
      ("PUT without a token", "PUT", [], "x", 403),
      ("PATCH without a token", "PATCH", [], "x", 403),
      ("DELETE without a token", "DELETE", [], "", 403),
      ("wrong token", "POST", [("X-CSRF-Token", tampered(token))], "", 403),
      ("empty token", "POST", [("X-CSRF-Token", "")], "", 403),
      ("form field wrong", "POST", [form], "csrf_token=\(tampered(token))&a=b", 403),
      ("form field in a non-form body", "POST", [("Content-Type", "text/plain")], "csrf_token=\(token)", 403),
      ("cross-site Origin", "POST", [("X-CSRF-Token", token), ("Origin", "https://evil.example")], "", 403),
      ("null Origin", "POST", [("X-CSRF-Token", token), ("Origin", "null")], "", 403),
      (
        "Sec-Fetch-Site cross-site", "POST", [("X-CSRF-Token", token), ("Sec-Fetch-Site", "cross-site")], "",
        403
      ),
      ("method override does not bypass", "POST", [("X-HTTP-Method-Override", "GET")], "", 403),
      ("X-Method-Override does not bypass", "POST", [("X-Method-Override", "GET")], "a=b", 403),
      ("query field does not count", "POST", [form], "a=b", 403),
    ]
    for c in cases {
      let before = upstream.requests.count
      // The last case carries the token in the query string, which never counts.
      let target = c.name == "query field does not count" ? "/app/x?csrf_token=\(token)" : "/app/x"
      let (response, forwarded) = try request(
        gatehouse, c.method, target, ticket: ticket, headers: c.headers, body: Array(c.body.utf8))
      XCTAssertEqual(response.status, c.status, "\(c.name): \(response)")
      if c.status == 200 {
        let seen = try XCTUnwrap(forwarded, "\(c.name): reached the upstream")
        XCTAssertEqual(seen.method, c.method, c.name)
        XCTAssertEqual(
          String(decoding: seen.body, as: UTF8.self), c.body, "\(c.name): the whole body arrives")
      } else {
        XCTAssertEqual(upstream.requests.count, before, "\(c.name): nothing reaches the upstream")
      }
    }
  }

  func testRefusedPostWithBodyThenNextRequestOnTheSameConnection() throws {
    let gatehouse = try startSessionGatehouse()
    let (ticket, _, _) = try login(gatehouse, "alice")
    let before = upstream.requests.count
    let cookie = ("Cookie", "\(Self.cookieName)=\(ticket)")
    let client = try gatehouse.connect()
    defer { client.close() }
    let body = Array(String(repeating: "a=b&", count: 2000).utf8)
    try client.sendRequest(
      "POST", "/app/refused", headers: [cookie, ("Content-Type", "application/x-www-form-urlencoded")],
      body: body)
    let refused = try client.readResponse()
    XCTAssertEqual(refused.status, 403, "\(refused)")
    try client.sendRequest("GET", "/app/after", headers: [cookie])
    let next = try client.readResponse()
    XCTAssertEqual(next.status, 200, "second request on the connection: \(next)")
    XCTAssertEqual(upstream.requests.dropFirst(before).map(\.target), ["/app/after"])
  }

  func testRefusedPostPipelinedWithNextRequest() throws {
    let gatehouse = try startSessionGatehouse()
    let (ticket, _, _) = try login(gatehouse, "alice")
    let before = upstream.requests.count
    let cookie = ("Cookie", "\(Self.cookieName)=\(ticket)")
    let client = try gatehouse.connect()
    defer { client.close() }
    try client.send(
      RawClient.request(
        "POST", "/app/refused", headers: [cookie], body: Array("GET /app/smuggled HTTP/1.1\r\n\r\n".utf8))
        + RawClient.request("GET", "/app/after", headers: [cookie]))
    XCTAssertEqual(try client.readResponse().status, 403)
    let next = try client.readResponse()
    XCTAssertEqual(next.status, 200, "\(next)")
    XCTAssertEqual(
      upstream.requests.dropFirst(before).map(\.target), ["/app/after"], "the body was not a request")
  }
}
