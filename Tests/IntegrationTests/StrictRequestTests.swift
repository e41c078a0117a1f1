import Foundation
import XCTest

/// The strict choices of docs/security.md through the built binary: what Gatehouse refuses never
/// reaches the app, what it normalises arrives normalised.
final class StrictRequestTests: GatehouseTestCase {
  private func head(_ lines: [String]) -> [UInt8] {
    Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
  }

  func testAmbiguousHeadsAreRefusedBeforeTheUpstream() throws {
    let gatehouse = try startGatehouse()
    let cases: [(name: String, bytes: [UInt8])] = [
      ("empty Host", head(["GET /a HTTP/1.1", "Host:"])),
      ("Host with port 0", head(["GET /a HTTP/1.1", "Host: x:0"])),
      ("Host with port 70000", head(["GET /a HTTP/1.1", "Host: x:70000"])),
      ("Host with an empty port", head(["GET /a HTTP/1.1", "Host: x:"])),
      ("Host with userinfo-like bytes", head(["GET /a HTTP/1.1", "Host: a@b"])),
      ("Host percent-encoded", head(["GET /a HTTP/1.1", "Host: %61"])),
      (
        "repeated Expect",
        head([
          "PUT /a HTTP/1.1", "Host: x", "Expect: 100-continue", "Expect: 100-continue",
          "Content-Length: 1",
        ]) + [0x61]
      ),
      (
        "Transfer_Encoding",
        head(["POST /a HTTP/1.1", "Host: x", "Transfer_Encoding: chunked", "Content-Length: 5"])
          + Array("0\r\n\r\n".utf8)
      ),
      ("Content_Length", head(["POST /a HTTP/1.1", "Host: x", "Content_Length: 5"]) + Array("hello".utf8)),
      ("%-escape in a name", head(["GET /a HTTP/1.1", "Host: x", "Transfer%2DEncoding: chunked"])),
      ("two User-Agent lines", head(["GET /a HTTP/1.1", "Host: x", "User-Agent: a", "User-Agent: b"])),
      (
        "User_Agent next to User-Agent",
        head(["GET /a HTTP/1.1", "Host: x", "User-Agent: a", "User_Agent: b"])
      ),
      (
        "two Origin lines",
        head([
          "POST /a HTTP/1.1", "Host: x", "Origin: https://a", "Origin: https://b",
          "Content-Length: 0",
        ])
      ),
      ("1 KiB method", head(["\(String(repeating: "M", count: 1024)) /a HTTP/1.1", "Host: x"])),
    ]
    for testCase in cases {
      let before = upstream.requests.count
      let client = try gatehouse.connect()
      try client.send(testCase.bytes)
      do {
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 400, "\(testCase.name): \(response)")
        XCTAssertTrue(client.isClosedByPeer(timeout: 3), "\(testCase.name): connection left open after 400")
      } catch {
        XCTFail("\(testCase.name): no response: \(error)")
      }
      assertNothingForwarded(after: before, testCase.name, through: gatehouse)
    }
  }

  func testChunkExtensionsAreBoundedPerBody() throws {
    let gatehouse = try startGatehouse()
    let client = try gatehouse.connect()
    let chunk = "1;" + String(repeating: "e", count: 3000) + "\r\nx\r\n"
    try client.send(
      head(["POST /extensions HTTP/1.1", "Host: x", "Transfer-Encoding: chunked"])
        + Array((String(repeating: chunk, count: 8) + "0\r\n\r\n").utf8))
    let received = try client.readUntilClose(timeout: 5)
    let text = String(decoding: received, as: UTF8.self)
    XCTAssertTrue(received.isEmpty || text.hasPrefix("HTTP/1.1 400"), "unexpected answer: \(text)")
    XCTAssertFalse(
      upstream.requests.contains { $0.target == "/extensions" }, "a complete request reached the app")
    assertNothingForwarded(after: upstream.requests.count, "after the extensions", through: gatehouse)
  }

  func testExpectFromHTTP10IsNotForwarded() throws {
    let gatehouse = try startGatehouse()
    let response = try exchange(
      gatehouse,
      head(["PUT /put10 HTTP/1.0", "Host: x", "Expect: 100-continue", "Content-Length: 5"])
        + Array("hello".utf8), method: "PUT")
    XCTAssertEqual(response.status, 200)
    XCTAssertEqual(response.interim.map(\.status), [], "a 1xx reached an HTTP/1.0 client")
    let forwarded = try XCTUnwrap(upstream.requests.last { $0.target == "/put10" })
    XCTAssertNil(forwarded.headers.value("Expect"), "Expect from an HTTP/1.0 client was forwarded")
    XCTAssertEqual(forwarded.body, Array("hello".utf8))
  }

  /// The app sends `100 Continue` for `/continue` whatever the request says: an HTTP/1.0 client
  /// never sees it (RFC 9110 §15.2), an HTTP/1.1 client does.
  func testInterimResponsesNeverReachHTTP10Clients() throws {
    let gatehouse = try startGatehouse()
    let old = try exchange(
      gatehouse, head(["PUT /continue HTTP/1.0", "Host: x", "Content-Length: 5"]) + Array("hello".utf8),
      method: "PUT")
    XCTAssertEqual(old.status, 200)
    XCTAssertEqual(old.interim.map(\.status), [], "a 1xx reached an HTTP/1.0 client")
    let current = try exchange(
      gatehouse, head(["PUT /continue HTTP/1.1", "Host: x", "Content-Length: 5"]) + Array("hello".utf8),
      method: "PUT")
    XCTAssertEqual(current.interim.map(\.status), [100], "HTTP/1.1 clients get the app's 100")
  }

  func testExpectFromHTTP11StillGetsContinue() throws {
    let gatehouse = try startGatehouse()
    let client = try gatehouse.connect()
    try client.send(head(["PUT /put11 HTTP/1.1", "Host: x", "Expect: 100-continue", "Content-Length: 5"]))
    XCTAssertEqual(try client.readInterimResponse().status, 100)
    try client.send("hello")
    XCTAssertEqual(try client.readResponse(requestMethod: "PUT").status, 200)
    XCTAssertEqual(upstream.requests.last { $0.target == "/put11" }?.headers.value("Expect"), "100-continue")
  }

  func testValidHostFormsAreForwarded() throws {
    let gatehouse = try startGatehouse()
    for host in ["example.com:8443", "[::1]:8080", "10.0.0.1", "svc_name.internal"] {
      let (response, forwarded) = try send(gatehouse, "GET", "/host/\(host.count)", host: host)
      XCTAssertEqual(response.status, 200, host)
      XCTAssertEqual(forwarded?.headers.value("Host"), host, host)
    }
  }
}
