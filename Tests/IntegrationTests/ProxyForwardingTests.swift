import Foundation
import XCTest

/// Requests and responses pass through intact: methods, targets, bodies in both framings, large
/// streamed bodies, keep-alive on both sides, pipelining, bodiless responses, 100-continue, upgrades.
final class ProxyForwardingTests: GatehouseTestCase {
  func testMethodsTargetsAndBodiesForwardedIntact() throws {
    let gatehouse = try startGatehouse()
    struct Case {
      let name: String
      let method: String
      let target: String
      let headers: [(String, String)]
      let wireBody: [UInt8]
      let body: [UInt8]
    }
    let text = Array("name=gatehouse&kind=proxy".utf8)
    let binary: [UInt8] = Array(0...255) + Array(0...255)
    let cases = [
      Case(name: "GET with query", method: "GET", target: "/a/b?x=1&y=%20z", headers: [], wireBody: [], body: []),
      Case(
        name: "POST Content-Length", method: "POST", target: "/form",
        headers: [("Content-Type", "application/x-www-form-urlencoded")], wireBody: text, body: text),
      Case(name: "PUT binary body", method: "PUT", target: "/blob", headers: [], wireBody: binary, body: binary),
      Case(
        name: "POST chunked, several chunks", method: "POST", target: "/chunked-in",
        headers: [("Transfer-Encoding", "chunked")], wireBody: RawClient.chunked(binary, chunkSize: 100),
        body: binary),
      Case(
        name: "PATCH chunked with extension", method: "PATCH", target: "/ext",
        headers: [("Transfer-Encoding", "chunked")], wireBody: Array("5;name=v\r\nhello\r\n0\r\n\r\n".utf8),
        body: Array("hello".utf8)),
      Case(
        name: "POST Content-Length 0", method: "POST", target: "/empty", headers: [("Content-Length", "0")],
        wireBody: [], body: []),
      Case(name: "DELETE", method: "DELETE", target: "/item/7", headers: [], wireBody: [], body: []),
      Case(name: "OPTIONS", method: "OPTIONS", target: "/item/7", headers: [], wireBody: [], body: []),
    ]
    for testCase in cases {
      let (response, forwarded) = try send(
        gatehouse, testCase.method, testCase.target, headers: testCase.headers, body: testCase.wireBody)
      XCTAssertEqual(response.status, 200, "\(testCase.name): \(response)")
      guard let forwarded else {
        XCTFail("\(testCase.name): nothing reached the upstream")
        continue
      }
      XCTAssertEqual(forwarded.method, testCase.method, testCase.name)
      XCTAssertEqual(forwarded.body, testCase.body, testCase.name)
      XCTAssertEqual(forwarded.version, "HTTP/1.1", testCase.name)
    }
  }

  func testTenMiBRequestBodyStreamsIntact() throws {
    let gatehouse = try startGatehouse()
    let body = EchoUpstream.pattern(count: 10 << 20)
    struct Case {
      let name: String
      let target: String
      let bytes: [UInt8]
    }
    let cases = [
      Case(
        name: "Content-Length", target: "/upload-cl",
        bytes: RawClient.request("POST", "/upload-cl", body: body)),
      Case(
        name: "chunked", target: "/upload-chunked",
        bytes: RawClient.request("POST", "/upload-chunked", headers: [("Transfer-Encoding", "chunked")])
          + RawClient.chunked(body, chunkSize: 65536)),
    ]
    for testCase in cases {
      let response = try exchange(gatehouse, testCase.bytes, timeout: 30)
      XCTAssertEqual(response.status, 200, testCase.name)
      let forwarded = upstream.requests.last { $0.target == testCase.target }
      XCTAssertEqual(forwarded?.body.count, body.count, testCase.name)
      XCTAssertTrue(forwarded?.body == body, "\(testCase.name): body bytes differ")
    }
  }

  func testTenMiBResponseBodyArrivesIntact() throws {
    let gatehouse = try startGatehouse()
    let response = try exchange(gatehouse, RawClient.request("GET", "/bytes/\(10 << 20)"), timeout: 30)
    XCTAssertEqual(response.status, 200)
    XCTAssertEqual(response.body.count, 10 << 20)
    XCTAssertTrue(response.body == EchoUpstream.pattern(count: 10 << 20), "response body bytes differ")
  }

  func testStreamedAndChunkedResponsesArriveIntact() throws {
    let gatehouse = try startGatehouse()
    let slow = try exchange(gatehouse, RawClient.request("GET", "/slow-body/5000"))
    XCTAssertEqual(slow.status, 200, "slow body")
    XCTAssertEqual(slow.body, EchoUpstream.pattern(count: 5000), "slow body")

    let chunked = try exchange(gatehouse, RawClient.request("GET", "/chunked"))
    XCTAssertEqual(chunked.status, 200, "chunked")
    let json = try JSONSerialization.jsonObject(with: Data(chunked.body)) as? [String: Any]
    XCTAssertEqual(json?["target"] as? String, "/chunked", "chunked: \(chunked)")
  }

  func testClientConnectionIsKeptAlive() throws {
    let gatehouse = try startGatehouse()
    let client = try gatehouse.connect()
    for index in 0..<5 {
      try client.sendRequest("GET", "/keep/\(index)")
      let response = try client.readResponse()
      XCTAssertEqual(response.status, 200, "request \(index)")
    }
    XCTAssertEqual(upstream.requests.map(\.target), (0..<5).map { "/keep/\($0)" })
  }

  func testUpstreamConnectionsAreReused() throws {
    let gatehouse = try startGatehouse()
    for connection in 0..<4 {
      let client = try gatehouse.connect()
      for index in 0..<3 {
        try client.sendRequest("GET", "/reuse/\(connection)/\(index)")
        XCTAssertEqual(try client.readResponse().status, 200, "connection \(connection) request \(index)")
      }
      client.close()
    }
    XCTAssertEqual(upstream.requests.count, 12)
    // Two workers each keep their own pool; 12 requests over fresh upstream connections would show 12.
    XCTAssertLessThanOrEqual(upstream.connectionsAccepted, 4, "upstream connections for 12 sequential requests")
  }

  func testPipelinedRequestsAreAnsweredInOrder() throws {
    let gatehouse = try startGatehouse()
    let client = try gatehouse.connect()
    try client.send(
      RawClient.request("GET", "/bytes/10") + RawClient.request("GET", "/bytes/20")
        + RawClient.request("GET", "/status/204") + RawClient.request("GET", "/bytes/3"))
    let expected: [(status: Int, length: Int)] = [(200, 10), (200, 20), (204, 0), (200, 3)]
    for (index, want) in expected.enumerated() {
      let response = try client.readResponse()
      XCTAssertEqual(response.status, want.status, "pipelined response \(index)")
      XCTAssertEqual(response.body.count, want.length, "pipelined response \(index)")
    }
  }

  func testBodilessResponsesKeepTheConnectionUsable() throws {
    let gatehouse = try startGatehouse()
    struct Case {
      let name: String
      let method: String
      let target: String
      let status: Int
    }
    let cases = [
      Case(name: "HEAD", method: "HEAD", target: "/bytes/100", status: 200),
      Case(name: "204", method: "GET", target: "/status/204", status: 204),
      Case(name: "304", method: "GET", target: "/status/304", status: 304),
    ]
    for testCase in cases {
      let client = try gatehouse.connect()
      try client.sendRequest(testCase.method, testCase.target)
      let response = try client.readResponse(requestMethod: testCase.method)
      XCTAssertEqual(response.status, testCase.status, testCase.name)
      XCTAssertEqual(response.body, [], testCase.name)
      if testCase.method == "HEAD" {
        XCTAssertEqual(response.headers.value("Content-Length"), "100", "\(testCase.name): \(response)")
      }
      // Any stray body bytes would corrupt the next response on the connection.
      try client.sendRequest("GET", "/bytes/7")
      let next = try client.readResponse()
      XCTAssertEqual(next.status, 200, "\(testCase.name): follow-up")
      XCTAssertEqual(next.body, EchoUpstream.pattern(count: 7), "\(testCase.name): follow-up")
    }
  }

  func testExpectContinueGetsInterimResponseThenBodyIsForwarded() throws {
    let gatehouse = try startGatehouse()
    for target in ["/expect", "/continue"] {
      let client = try gatehouse.connect()
      try client.sendRequest("POST", target, headers: [("Expect", "100-continue"), ("Content-Length", "5")])
      let interim = try client.readInterimResponse()
      XCTAssertEqual(interim.status, 100, target)
      try client.send("hello")
      let response = try client.readResponse()
      XCTAssertEqual(response.status, 200, target)
      XCTAssertEqual(upstream.requests.last { $0.target == target }?.body, Array("hello".utf8), target)
    }
  }

  func testWebSocketUpgradeIsTunnelled() throws {
    let gatehouse = try startGatehouse()
    let client = try gatehouse.connect()
    try client.sendRequest(
      "GET", "/ws",
      headers: [
        ("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
        ("Sec-WebSocket-Version", "13"),
      ])
    let response = try client.readResponse()
    XCTAssertEqual(response.status, 101, "\(response)")
    let rounds: [(name: String, bytes: [UInt8])] = [
      ("all byte values", Array(0...255)), ("text", Array("ping from client".utf8)),
      ("64 KiB", EchoUpstream.pattern(count: 65536)),
    ]
    for round in rounds {
      try client.send(round.bytes)
      XCTAssertEqual(try client.readExactly(round.bytes.count), round.bytes, round.name)
    }
  }
}
