import XCTest

@testable import Proxy

/// `JWKSResponseReader`: every case fed whole, one byte at a time and at seeded random splits,
/// then (if still incomplete) the peer's close. Any split must give the same result.
final class JWKSResponseReaderTests: XCTestCase {
  private enum Expected: Equatable {
    case body(String, maxAge: Int64?)
    case failure(String)
  }

  private struct Case {
    let name: String
    let response: String
    let closes: Bool
    let expected: Expected
    var maxBytes = 64
  }

  private static let cases: [Case] = [
    Case(
      name: "content-length", response: "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{\"keys\":}",
      closes: false, expected: .body("{\"keys\":}", maxAge: nil)),
    Case(
      name: "content-length, extra bytes ignored",
      response: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}garbage", closes: false,
      expected: .body("{}", maxAge: nil)),
    Case(
      name: "chunked with extensions and trailers, max-age kept",
      response:
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nCache-Control: public, max-age=300\r\n\r\n"
        + "4;name=\"v\"\r\n{\"ke\r\n5\r\nys\":[\r\n3\r\n]}\n\r\n0\r\nX-Trailer: dropped\r\n\r\n",
      closes: false, expected: .body("{\"keys\":[]}\n", maxAge: 300)),
    Case(
      name: "chunked, upper-case hex sizes",
      response: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n",
      closes: false, expected: .body("0123456789", maxAge: nil)),
    Case(
      name: "two cache-control fields: the smaller max-age",
      response:
        "HTTP/1.1 200 OK\r\nCache-Control: max-age=60\r\nCache-Control: max-age=30\r\nContent-Length: 0\r\n\r\n",
      closes: false, expected: .body("", maxAge: 30)),
    Case(
      name: "until close", response: "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{\"keys\":[]}",
      closes: true,
      expected: .body("{\"keys\":[]}", maxAge: nil)),
    Case(
      name: "status other than 200", response: "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
      closes: false, expected: .failure("HTTP status 404")),
    Case(
      name: "redirect not followed",
      response: "HTTP/1.1 301 Moved\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n",
      closes: false, expected: .failure("HTTP status 301")),
    Case(
      name: "declared length over the limit", response: "HTTP/1.1 200 OK\r\nContent-Length: 65\r\n\r\n",
      closes: false, expected: .failure("body of 65 bytes exceeds 64")),
    Case(
      name: "chunked over the limit",
      response:
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n4\r\n1234\r\n0\r\n\r\n",
      closes: false, expected: .failure("body exceeds 10 bytes"), maxBytes: 10),
    Case(
      name: "until close over the limit", response: "HTTP/1.1 200 OK\r\n\r\n12345678901", closes: true,
      expected: .failure("body exceeds 10 bytes"), maxBytes: 10),
    Case(
      name: "invalid chunk size",
      response: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", closes: false,
      expected: .failure("invalid chunked body: HTTP parse error: invalidChunkSize (400)")),
    Case(
      name: "invalid head", response: "HTTP/1.1 200 OK\r\nBad Header: x\r\n\r\n", closes: false,
      expected: .failure("invalid response head: HTTP parse error: whitespaceBeforeColon (400)")),
    Case(
      name: "closed inside the head", response: "HTTP/1.1 200 OK\r\nContent-Le", closes: true,
      expected: .failure("connection closed before the response head ended")),
    Case(
      name: "closed inside a content-length body",
      response: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345", closes: true,
      expected: .failure("connection closed after 5 of 10 body bytes")),
    Case(
      name: "closed inside a chunked body",
      response: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n12", closes: true,
      expected: .failure("connection closed inside a chunked body")),
  ]

  private func run(_ c: Case, cuts: [Int]) -> Expected? {
    var reader = JWKSResponseReader(maxBytes: c.maxBytes)
    let bytes = Array(c.response.utf8)
    var from = 0
    do {
      for cut in cuts {
        let progress = try bytes[from..<cut].withUnsafeBytes { raw in
          try Result { () throws(JWKSHTTPClient.Failure) in try reader.receive(raw) }.get()
        }
        from = cut
        if case .complete(let body, let maxAge) = progress {
          return .body(String(decoding: body, as: UTF8.self), maxAge: maxAge)
        }
      }
      guard c.closes else { return nil }
      if case .complete(let body, let maxAge) = try reader.receiveEnd() {
        return .body(String(decoding: body, as: UTF8.self), maxAge: maxAge)
      }
      return nil
    } catch {
      return .failure("\(error)")
    }
  }

  func testEveryCaseAtEverySplit() {
    for c in Self.cases {
      let total = c.response.utf8.count
      var feedings: [(String, [Int])] = [("whole", [total]), ("byte by byte", Array(1...total))]
      for seed in 1...8 {
        var rng = SplitRandom(seed: UInt64(seed))
        var cuts: [Int] = []
        var at = 0
        while at < total {
          at = min(total, at + Int(rng.next() % 7) + 1)
          cuts.append(at)
        }
        feedings.append(("random \(seed)", cuts))
      }
      for (feeding, cuts) in feedings {
        XCTAssertEqual(run(c, cuts: cuts), c.expected, "\(c.name), \(feeding)")
      }
    }
  }
}

/// SplitMix64, so a failing split reproduces.
private struct SplitRandom {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
