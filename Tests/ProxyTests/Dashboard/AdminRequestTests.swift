import HTTP1
import XCTest

@testable import Proxy

/// `AdminConnection.request`: the target and the fields the admin API reads, from one parsed head.
final class AdminRequestTests: XCTestCase {
  private struct NotAHead: Error {}

  private func request(_ text: String) throws -> AdminRequest {
    let bytes = Array(text.utf8)
    var parser = HeadParser(limits: AdminConnection.headLimits)
    var head = RequestHead()
    return try bytes.withUnsafeBytes { view in
      guard case .complete = parser.parseRequest(view, into: &head) else { throw NotAHead() }
      return AdminConnection.request(head, in: view)
    }
  }

  func testFields() throws {
    let parsed = try request(
      "DELETE /sessions/abc?user=al%20ice HTTP/1.1\r\nHost: 127.0.0.1\r\nauthorization: Bearer t\r\n"
        + "Cookie: a=1\r\nX-Other: x\r\ncookie: __Host-gatehouse-admin=v\r\nX-CSRF-Token: c1\r\n"
        + "X-CSRF-Token: c2\r\nSec-Fetch-Site: same-origin\r\n\r\n")
    XCTAssertEqual(parsed.method, .delete)
    XCTAssertEqual(parsed.pathText, "/sessions/abc")
    XCTAssertEqual(String(decoding: parsed.query, as: UTF8.self), "user=al%20ice")
    XCTAssertEqual(parsed.authorization, Array("Bearer t".utf8))
    XCTAssertEqual(parsed.cookie, Array("a=1; __Host-gatehouse-admin=v".utf8), "several Cookie fields joined")
    XCTAssertEqual(parsed.csrfToken, Array("c1".utf8), "the first X-CSRF-Token")
    XCTAssertEqual(parsed.fetchSite, Array("same-origin".utf8))
    XCTAssertTrue(parsed.isStateChanging)
  }

  func testBareRequest() throws {
    let parsed = try request("GET /status.json HTTP/1.1\r\nHost: h\r\n\r\n")
    XCTAssertEqual(parsed.pathText, "/status.json")
    XCTAssertEqual(parsed.query, [])
    XCTAssertNil(parsed.authorization)
    XCTAssertNil(parsed.cookie)
    XCTAssertNil(parsed.csrfToken)
    XCTAssertNil(parsed.fetchSite)
    XCTAssertFalse(parsed.isStateChanging)
  }
}
