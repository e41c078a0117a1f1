import Foundation
import XCTest

/// Requests gatehouse must refuse before anything reaches the upstream: the ambiguities request
/// smuggling needs, limits, slow clients, bodies over the limit, routes without a policy.
final class ProxyRejectionTests: GatehouseTestCase {
  private func head(_ lines: [String]) -> [UInt8] {
    Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
  }

  func testMalformedRequestsAreRejectedBeforeTheUpstream() throws {
    let gatehouse = try startGatehouse()
    struct Case {
      let name: String
      let bytes: [UInt8]
      let status: Int
    }
    let manyHeaders = (0..<25).map { "X-Many-\($0): v" }
    let cases = [
      Case(
        name: "request line over max_request_line_bytes",
        bytes: head(["GET /\(String(repeating: "a", count: 1100)) HTTP/1.1", "Host: x"]), status: 414),
      Case(
        name: "header section over max_header_bytes",
        bytes: head(["GET / HTTP/1.1", "Host: x", "X-Big: \(String(repeating: "b", count: 5000))"]), status: 431),
      Case(name: "more than max_headers", bytes: head(["GET / HTTP/1.1", "Host: x"] + manyHeaders), status: 431),
      Case(
        name: "Content-Length and Transfer-Encoding",
        bytes: head(["POST / HTTP/1.1", "Host: x", "Content-Length: 5", "Transfer-Encoding: chunked"])
          + Array("0\r\n\r\n".utf8), status: 400),
      Case(
        name: "two different Content-Length",
        bytes: head(["POST / HTTP/1.1", "Host: x", "Content-Length: 5", "Content-Length: 6"]) + Array("hello!".utf8),
        status: 400),
      Case(
        name: "Transfer-Encoding gzip alone",
        bytes: head(["POST / HTTP/1.1", "Host: x", "Transfer-Encoding: gzip"]), status: 400),
      Case(
        name: "Transfer-Encoding foo, chunked",
        bytes: head(["POST / HTTP/1.1", "Host: x", "Transfer-Encoding: foo, chunked"]) + Array("0\r\n\r\n".utf8),
        status: 501),
      Case(name: "obs-fold", bytes: head(["GET / HTTP/1.1", "Host: x", "X-Folded: a", " b"]), status: 400),
      Case(name: "space before colon", bytes: head(["GET / HTTP/1.1", "Host: x", "X-Space : a"]), status: 400),
      Case(name: "bare LF", bytes: Array("GET / HTTP/1.1\r\nHost: x\nX-A: b\r\n\r\n".utf8), status: 400),
      Case(name: "NUL in a value", bytes: head(["GET / HTTP/1.1", "Host: x", "X-Nul: a\u{0}b"]), status: 400),
      Case(name: "missing Host on HTTP/1.1", bytes: head(["GET / HTTP/1.1", "Accept: */*"]), status: 400),
      Case(name: "two Host fields", bytes: head(["GET / HTTP/1.1", "Host: a", "Host: b"]), status: 400),
      Case(name: "dot-dot segment", bytes: head(["GET /a/../b HTTP/1.1", "Host: x"]), status: 400),
    ]
    for testCase in cases {
      let before = upstream.requests.count
      let client = try gatehouse.connect()
      try client.send(testCase.bytes)
      do {
        let response = try client.readResponse()
        XCTAssertEqual(response.status, testCase.status, "\(testCase.name): \(response)")
        if testCase.status == 400 {
          XCTAssertTrue(client.isClosedByPeer(timeout: 3), "\(testCase.name): connection left open after 400")
        }
      } catch {
        XCTFail("\(testCase.name): no response: \(error)")
      }
      assertNothingForwarded(after: before, testCase.name, through: gatehouse)
    }
  }

  func testInvalidChunkSizeClosesTheConnection() throws {
    let gatehouse = try startGatehouse()
    let before = upstream.requests.count
    let client = try gatehouse.connect()
    try client.send(
      head(["POST /bad-chunk HTTP/1.1", "Host: x", "Transfer-Encoding: chunked"])
        + Array("zz\r\nhello\r\n0\r\n\r\n".utf8))
    let received = try client.readUntilClose(timeout: 5)
    let text = String(decoding: received, as: UTF8.self)
    XCTAssertTrue(received.isEmpty || text.hasPrefix("HTTP/1.1 400"), "unexpected answer: \(text)")
    // Chunk errors surface after forwarding may have started, so the upstream may have seen the head,
    // but never a complete request.
    XCTAssertFalse(upstream.requests.dropFirst(before).contains { $0.target == "/bad-chunk" })
    assertNothingForwarded(after: upstream.requests.count, "after bad chunk", through: gatehouse)
  }

  func testSlowHeadersAreCutOffAfterHeaderTimeout() throws {
    let gatehouse = try startGatehouse()
    let client = try gatehouse.connect()
    let started = Date()
    try client.send("GET /slow HTTP/1.1\r\nHost: x\r\n")  // half a head, then silence
    let received = try client.readUntilClose(timeout: 5)
    let elapsed = Date().timeIntervalSince(started)
    XCTAssertGreaterThan(elapsed, 0.5, "closed long before header_timeout (1s)")
    let text = String(decoding: received, as: UTF8.self)
    XCTAssertTrue(received.isEmpty || text.hasPrefix("HTTP/1.1 408"), "unexpected answer: \(text)")
    XCTAssertFalse(upstream.requests.contains { $0.target == "/slow" })
  }

  func testBodyOverMaxBodyBytesIsRefused() throws {
    let gatehouse = try startGatehouse(ProxyConfig(maxBodyBytes: 100))
    struct Case {
      let name: String
      let size: Int
      let status: Int
    }
    let cases = [
      Case(name: "under the limit", size: 50, status: 200), Case(name: "at the limit", size: 100, status: 200),
      Case(name: "over the limit", size: 200, status: 413),
    ]
    for testCase in cases {
      let before = upstream.requests.count
      let body = EchoUpstream.pattern(count: testCase.size)
      let (response, forwarded) = try send(gatehouse, "POST", "/upload/\(testCase.size)", body: body)
      XCTAssertEqual(response.status, testCase.status, "\(testCase.name): \(response)")
      if testCase.status == 200 {
        XCTAssertEqual(forwarded?.body, body, testCase.name)
      } else {
        assertNothingForwarded(after: before, testCase.name, through: gatehouse)
      }
    }
  }

  func testUnmatchedRouteIsUnauthorized() throws {
    let gatehouse = try startGatehouse(ProxyConfig(routes: [("/public/", "public")]))
    struct Case {
      let name: String
      let target: String
      let status: Int
    }
    let cases = [
      Case(name: "outside every route", target: "/private", status: 401),
      Case(name: "prefix without its slash", target: "/public", status: 401),
      Case(name: "public route", target: "/public/page", status: 200),
    ]
    for testCase in cases {
      let before = upstream.requests.count
      let (response, forwarded) = try send(gatehouse, "GET", testCase.target)
      XCTAssertEqual(response.status, testCase.status, "\(testCase.name): \(response)")
      if testCase.status == 401 {
        assertNothingForwarded(after: before, testCase.name, through: gatehouse, probe: "/public/probe")
      } else {
        XCTAssertNotNil(forwarded, testCase.name)
      }
    }
  }
}
