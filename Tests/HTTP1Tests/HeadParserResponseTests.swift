import FuzzSeedSupport
import HTTP1
import XCTest

struct ResponseCase {
  var name: String
  var input: String
  var method: HTTPMethod
  var want: (status: Int, framing: BodyFraming, keepAlive: Bool)?
  var error: HTTPParseError.Kind?
  var reason: String?
  var upgrade: Bool?
  var rest = ""

  static func ok(
    _ name: String, _ input: String, method: HTTPMethod = .get, status: Int, framing: BodyFraming, keepAlive: Bool,
    reason: String? = nil, upgrade: Bool? = nil, rest: String = ""
  ) -> ResponseCase {
    ResponseCase(
      name: name, input: input, method: method, want: (status, framing, keepAlive), reason: reason, upgrade: upgrade,
      rest: rest)
  }

  static func error(_ name: String, _ input: String, method: HTTPMethod = .get, _ kind: HTTPParseError.Kind)
    -> ResponseCase
  {
    ResponseCase(name: name, input: input, method: method, error: kind)
  }
}

let responseCases: [ResponseCase] = [
  .ok("200 with length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", status: 200, framing: .contentLength(5), keepAlive: true, reason: "OK", rest: "hello"),
  .ok("reason with spaces and tab", "HTTP/1.1 404 Not\tFound here\r\nContent-Length: 0\r\n\r\n", status: 404, framing: .contentLength(0), keepAlive: true, reason: "Not\tFound here"),
  .ok("no reason, no SP", "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", status: 200, framing: .contentLength(0), keepAlive: true, reason: ""),
  .ok("empty reason", "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n", status: 200, framing: .contentLength(0), keepAlive: true, reason: ""),
  .ok("chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", status: 200, framing: .chunked, keepAlive: true),
  .ok("until close", "HTTP/1.1 200 OK\r\nServer: x\r\n\r\nbody", status: 200, framing: .untilClose, keepAlive: false, rest: "body"),
  .ok("204 has no body", "HTTP/1.1 204 No Content\r\n\r\n", status: 204, framing: .none, keepAlive: true),
  .ok("304 ignores length", "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", status: 304, framing: .none, keepAlive: true),
  .ok("100 continue", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n", status: 100, framing: .none, keepAlive: true, rest: "HTTP/1.1 200 OK\r\n"),
  .ok("101 upgrade", "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", status: 101, framing: .none, keepAlive: true, upgrade: true),
  .ok("HEAD response has no body", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", method: .head, status: 200, framing: .none, keepAlive: true),
  .ok("HEAD response, chunked announced", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", method: .head, status: 200, framing: .none, keepAlive: true),
  .ok("1.0 keep-alive", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", status: 200, framing: .contentLength(0), keepAlive: true),
  .ok("1.0 closes by default", "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", status: 200, framing: .contentLength(0), keepAlive: false),
  .ok("1.1 close", "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\n", status: 200, framing: .contentLength(1), keepAlive: false),
  .ok("599 accepted", "HTTP/1.1 599 X\r\nContent-Length: 0\r\n\r\n", status: 599, framing: .contentLength(0), keepAlive: true),
  .error("two-digit status", "HTTP/1.1 20 OK\r\n\r\n", .invalidStatusLine),
  .error("status below 100", "HTTP/1.1 099 X\r\n\r\n", .invalidStatusLine),
  .error("status above 599", "HTTP/1.1 600 X\r\n\r\n", .invalidStatusLine),
  .error("four-digit status", "HTTP/1.1 2000 X\r\n\r\n", .invalidStatusLine),
  .error("not HTTP", "ICY 200 OK\r\n\r\n", .invalidStatusLine),
  .error("leading CRLF", "\r\nHTTP/1.1 200 OK\r\n\r\n", .invalidStatusLine),
  .error("HTTP/2", "HTTP/2 200 OK\r\n\r\n", .invalidStatusLine),
  .error("HTTP/2.0", "HTTP/2.0 200 OK\r\n\r\n", .unsupportedVersion),
  .error("control byte in reason", "HTTP/1.1 200 O\u{0}K\r\n\r\n", .controlCharacter),
  .error("bare LF after status line", "HTTP/1.1 200 OK\n\r\n", .bareLF),
  .error("bare LF after status code", "HTTP/1.1 200\n\r\n", .bareLF),
  .error("length with chunked", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", .contentLengthWithTransferEncoding),
  .error("conflicting lengths", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", .conflictingContentLength),
  .error("coding without chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", .chunkedNotFinal),
  .error("transfer-encoding in 1.0 response", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", .transferEncodingInHTTP10),
  .error("obs-fold in response", "HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", .obsFold),
  .error("unknown coding in response", "HTTP/1.1 200 OK\r\nTransfer-Encoding: zstd, chunked\r\n\r\n", .unknownTransferEncoding),
  // Strict choices (docs/security.md): framing lookalikes and '%' in names are refused in responses too;
  // the request-only rules (singletons, Host syntax, request-field lookalikes) do not apply.
  .error("transfer_encoding lookalike in response", "HTTP/1.1 200 OK\r\nTransfer_Encoding: chunked\r\nContent-Length: 0\r\n\r\n", .lookalikeFieldName),
  .error("content_length lookalike in response", "HTTP/1.1 200 OK\r\ncontent_LENGTH: 5\r\n\r\n", .lookalikeFieldName),
  .error("percent in a response field name", "HTTP/1.1 200 OK\r\nX%41: 1\r\nContent-Length: 0\r\n\r\n", .percentInFieldName),
  .ok("request-field lookalikes pass in responses", "HTTP/1.1 200 OK\r\nUser_Agent: a\r\nContent_Type: b\r\nContent-Length: 0\r\n\r\n", status: 200, framing: .contentLength(0), keepAlive: true),
  .ok("repeated content-type passes in responses", "HTTP/1.1 200 OK\r\nContent-Type: a\r\nContent-Type: b\r\nContent-Length: 0\r\n\r\n", status: 200, framing: .contentLength(0), keepAlive: true),
  .ok("empty host field passes in responses", "HTTP/1.1 200 OK\r\nHost:\r\nContent-Length: 0\r\n\r\n", status: 200, framing: .contentLength(0), keepAlive: true),
]

final class HeadParserResponseTests: XCTestCase {
  func check(_ c: ResponseCase, feeding: Feeding) -> Outcome<ResponseSummary> {
    let outcome = parseResponse(Array(c.input.utf8), method: c.method, feeding: feeding)
    let label = "\(c.name) [\(feeding)]"
    switch outcome {
    case .parsed(let got):
      guard let want = c.want else {
        XCTFail("\(label): want \(String(describing: c.error)), got \(got)")
        break
      }
      XCTAssertEqual(got.status, want.status, label)
      XCTAssertEqual(got.framing, want.framing, label)
      XCTAssertEqual(got.keepAlive, want.keepAlive, label)
      XCTAssertEqual(got.rest, c.rest, label)
      if let reason = c.reason { XCTAssertEqual(got.reason, reason, label) }
      if let upgrade = c.upgrade { XCTAssertEqual(got.upgrade, upgrade, label) }
    case .failed(let kind):
      XCTAssertEqual(kind, c.error, label)
    case .incomplete:
      XCTFail("\(label): incomplete")
    }
    return outcome
  }

  func testCasesWholeAndByteByByte() {
    FuzzSeeds.record("response-head", responseCases.map(\.input))
    for c in responseCases {
      let whole = check(c, feeding: .whole)
      let bytewise = check(c, feeding: .byteByByte)
      XCTAssertEqual(whole, bytewise, "\(c.name): whole and byte-by-byte differ")
    }
  }

  func testRandomSplitsAgreeWithWhole() {
    for (index, c) in responseCases.enumerated() {
      let whole = parseResponse(Array(c.input.utf8), method: c.method, feeding: .whole)
      for round in 0..<20 {
        let seed = UInt64(index * 1000 + round)
        XCTAssertEqual(
          whole, parseResponse(Array(c.input.utf8), method: c.method, feeding: .random(seed: seed)),
          "\(c.name): split with seed \(seed) differs")
      }
    }
  }
}
