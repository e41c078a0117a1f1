import XCTest

@testable import Audit

/// The probes' response reader as a table: every case whole, one byte at a time and at random
/// splits must give the same result (the same discipline as HTTP1's HeadHarness).
final class ResponseReaderTests: XCTestCase {
  struct Case {
    let name: String
    let bytes: String
    var method = "GET"
    var atEnd = false
    let expected: Expected
  }

  enum Expected {
    /// status, body, keepAlive, consumed
    case response(Int, String, Bool, Int)
    case failure(String)
  }

  static let cases: [Case] = [
    Case(
      name: "content-length", bytes: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
      expected: .response(200, "hello", true, 43)),
    Case(
      name: "next response left alone",
      bytes: "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
      expected: .response(204, "", true, 27)),
    Case(
      name: "chunked with extension and trailer",
      bytes:
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n",
      expected: .response(200, "abcde", true, 77)),
    Case(
      name: "closed-delimited", bytes: "HTTP/1.1 200 OK\r\n\r\nuntil close", atEnd: true,
      expected: .response(200, "until close", false, 30)),
    Case(
      name: "connection close",
      bytes: "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 2\r\n\r\nno",
      expected: .response(400, "no", false, 68)),
    Case(
      name: "HEAD has no body", bytes: "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", method: "HEAD",
      expected: .response(200, "", true, 38)),
    Case(
      name: "interim 100 skipped",
      bytes: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nx",
      expected: .response(201, "x", true, 69)),
    Case(
      name: "truncated body", bytes: "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc", atEnd: true,
      expected: .failure("closed after 3 of 9 body bytes")),
    Case(name: "nothing at all", bytes: "", atEnd: true, expected: .failure("closed without a response")),
    Case(
      name: "closed in the head", bytes: "HTTP/1.1 200 OK\r\nContent-", atEnd: true,
      expected: .failure("closed inside the head")),
    Case(
      name: "not HTTP", bytes: "SSH-2.0-OpenSSH\r\n\r\n",
      expected: .failure("unreadable response head: invalidStatusLine")),
    Case(
      name: "bad chunk", bytes: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      expected: .failure("unreadable chunked body: invalidChunkSize")),
  ]

  func testEveryCaseWholeBytewiseAndAtRandomSplits() {
    var generator = SplitMix64(seed: 42)
    for c in Self.cases {
      let bytes = Array(c.bytes.utf8)
      var splits: [[Int]] = [[bytes.count], Array(repeating: 1, count: bytes.count)]
      for _ in 0..<20 {
        var sizes: [Int] = []
        var left = bytes.count
        while left > 0 {
          let size = Int(generator.next() % UInt64(min(left, 7))) + 1
          sizes.append(size)
          left -= size
        }
        splits.append(sizes)
      }
      for sizes in splits {
        var reader = ResponseReader(requestMethod: c.method)
        var offset = 0
        var step = ResponseReader.Step.needMore
        for (index, size) in sizes.enumerated() {
          let last = index == sizes.count - 1
          step = reader.feed(Array(bytes[offset..<offset + size]), atEnd: last && c.atEnd)
          offset += size
          if step != .needMore { break }
        }
        if bytes.isEmpty { step = reader.feed([], atEnd: c.atEnd) }
        let name = "\(c.name) split \(sizes.prefix(8))"
        switch (step, c.expected) {
        case (
          .complete(let response, let consumed), .response(let status, let body, let keepAlive, let count)
        ):
          XCTAssertEqual(response.status, status, name)
          XCTAssertEqual(response.bodyText, body, name)
          XCTAssertEqual(response.keepAlive, keepAlive, name)
          XCTAssertEqual(consumed, count, name)
        case (.failed(let text), .failure(let expected)):
          XCTAssertEqual(text, expected, name)
        default:
          XCTFail("\(name): got \(step), expected \(c.expected)")
        }
      }
    }
  }

  func testHeadersAndGatehouseErrors() {
    var reader = ResponseReader(requestMethod: "GET")
    let body = #"{"error":"csrf_failed","status":403,"message":"CSRF check failed","request_id":"r1"}"#
    let text =
      "HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nSet-Cookie: a=1; Path=/\r\n"
      + "set-cookie: b=2\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
    guard case .complete(let response, _) = reader.feed(Array(text.utf8), atEnd: false) else {
      return XCTFail("not complete")
    }
    XCTAssertEqual(response.header("content-type"), "application/json")
    XCTAssertEqual(response.headers(named: "Set-Cookie"), ["a=1; Path=/", "b=2"])
    XCTAssertEqual(response.gatehouseError, "csrf_failed")
    XCTAssertEqual(response.summary, "403 (Gatehouse: csrf_failed)")
    let appJSON = HTTPResponse(
      status: 403, headers: [HTTPHeader("Content-Type", "application/json")],
      body: Array(#"{"error":"x"}"#.utf8),
      keepAlive: true)
    XCTAssertNil(appJSON.gatehouseError, "an app's JSON error is not Gatehouse's")
    XCTAssertEqual(appJSON.summary, "403")
  }

  func testSetCookieFields() {
    let cases: [(String, ResponseCookie?)] = [
      ("__Host-gh=abc; Path=/; Secure; HttpOnly; SameSite=Lax", nil),
      ("gh=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT", nil),
      ("novalue", nil),
    ]
    let session = ResponseCookie(field: cases[0].0)
    XCTAssertEqual(session?.name, "__Host-gh")
    XCTAssertEqual(session?.value, "abc")
    XCTAssertEqual(session?.attributes, ["path": "/", "secure": "", "httponly": "", "samesite": "Lax"])
    XCTAssertEqual(session?.isDeletion, false)
    XCTAssertEqual(ResponseCookie(field: cases[1].0)?.isDeletion, true)
    XCTAssertNil(ResponseCookie(field: "novalue"))
    XCTAssertNil(ResponseCookie(field: "=x"))
  }

  func testRequestEncoding() {
    let form = ProbeRequest.form("/login", fields: [("user name", "a&b=c"), ("pw", "é")])
    XCTAssertEqual(
      String(decoding: form.encoded(host: "h:1"), as: UTF8.self),
      "POST /login HTTP/1.1\r\nHost: h:1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 31\r\n\r\nuser%20name=a%26b%3Dc&pw=%C3%A9"
    )
    XCTAssertEqual(
      String(
        decoding: ProbeRequest("GET", "/", headers: [HTTPHeader("A", "1")]).encoded(host: "h"), as: UTF8.self),
      "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\n\r\n")
  }
}
