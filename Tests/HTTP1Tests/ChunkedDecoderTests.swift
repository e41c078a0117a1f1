import FuzzSeedSupport
import HTTP1
import XCTest

enum ChunkedOutcome: Equatable {
  case end(body: String, rest: String)
  case failed(HTTPParseError.Kind, body: String)
  case incomplete(body: String)
}

/// Feeds `input` to a decoder the way the proxy does: the unconsumed input, grown at each cut.
func decodeChunked(_ input: [UInt8], maxTrailerBytes: Int = 16384, feeding: Feeding) -> ChunkedOutcome {
  var decoder = ChunkedDecoder(maxTrailerBytes: maxTrailerBytes)
  var body: [UInt8] = []
  var consumed = 0
  var cuts = feeding.cuts(total: input.count)[...]
  var available = cuts.popFirst() ?? 0
  while true {
    let event = input.withUnsafeBytes { decoder.decode(UnsafeRawBufferPointer(rebasing: $0[consumed..<available])) }
    switch event {
    case .data(let offset, let count):
      precondition(count > 0, "empty data event")
      body += input[(consumed + offset)..<(consumed + offset + count)]
      consumed += offset + count
    case .needMore(let used):
      consumed += used
      precondition(consumed == available, "needMore left input unconsumed")
      guard let next = cuts.popFirst() else { return .incomplete(body: String(decoding: body, as: UTF8.self)) }
      available = next
    case .end(let used):
      consumed += used
      return .end(body: String(decoding: body, as: UTF8.self), rest: String(decoding: input[consumed...], as: UTF8.self))
    case .failed(let error):
      return .failed(error.kind, body: String(decoding: body, as: UTF8.self))
    }
  }
}

struct ChunkedCase {
  var name: String
  var input: String
  var maxTrailerBytes = 16384
  var expect: ChunkedOutcome
}

let longExtension = "5;" + String(repeating: "a", count: ChunkedDecoder.maxExtensionBytes) + "\r\nhello\r\n0\r\n\r\n"

/// `count` one-byte chunks, each with an extension of `extensionBytes` counted bytes (name and CR).
func chunksWithExtensions(_ count: Int, extensionBytes: Int) -> String {
  String(repeating: "1;" + String(repeating: "a", count: extensionBytes - 1) + "\r\nx\r\n", count: count)
    + "0\r\n\r\n"
}

let chunkedCases: [ChunkedCase] = [
  .init(name: "one chunk", input: "5\r\nhello\r\n0\r\n\r\n", expect: .end(body: "hello", rest: "")),
  .init(name: "several chunks, hex sizes", input: "3\r\nabc\r\nA\r\n0123456789\r\nb\r\n0123456789X\r\n0\r\n\r\n", expect: .end(body: "abc01234567890123456789X", rest: "")),
  .init(name: "leading zeros", input: "005\r\nhello\r\n000\r\n\r\n", expect: .end(body: "hello", rest: "")),
  .init(name: "empty body", input: "0\r\n\r\n", expect: .end(body: "", rest: "")),
  .init(name: "next message left over", input: "1\r\nx\r\n0\r\n\r\nGET / HTTP/1.1\r\n", expect: .end(body: "x", rest: "GET / HTTP/1.1\r\n")),
  .init(name: "extension token", input: "5;a=b\r\nhello\r\n0;last\r\n\r\n", expect: .end(body: "hello", rest: "")),
  .init(name: "extensions with BWS and quoted string", input: "5 ;\ta = \"q \\\" ;x\" ; b\t;c=d\r\nhello\r\n0\r\n\r\n", expect: .end(body: "hello", rest: "")),
  .init(name: "trailers", input: "5\r\nhello\r\n0\r\nX-Checksum: abc\r\nY:\t2 \r\n\r\nrest", expect: .end(body: "hello", rest: "rest")),
  .init(name: "15 hex digits accepted", input: "FFFFFFFFFFFFFFF\r\nab", expect: .incomplete(body: "ab")),
  .init(name: "incomplete data", input: "5\r\nhel", expect: .incomplete(body: "hel")),
  .init(name: "incomplete trailer", input: "0\r\nX: 1\r\n", expect: .incomplete(body: "")),
  .init(name: "size not hex", input: "x\r\n", expect: .failed(.invalidChunkSize, body: "")),
  .init(name: "empty size", input: "\r\n", expect: .failed(.invalidChunkSize, body: "")),
  .init(name: "negative size", input: "-5\r\n", expect: .failed(.invalidChunkSize, body: "")),
  .init(name: "0x prefix", input: "0x5\r\n", expect: .failed(.invalidChunkSize, body: "")),
  .init(name: "16 hex digits", input: "1000000000000000\r\n", expect: .failed(.chunkSizeTooLarge, body: "")),
  .init(name: "bare LF after size", input: "5\nhello", expect: .failed(.bareLF, body: "")),
  .init(name: "bare CR after size", input: "5\rhello", expect: .failed(.bareCR, body: "")),
  .init(name: "extension without name", input: "5;\r\nhello\r\n0\r\n\r\n", expect: .failed(.invalidChunkExtension, body: "")),
  .init(name: "whitespace after size without extension", input: "5 \r\nhello\r\n0\r\n\r\n", expect: .failed(.invalidChunkExtension, body: "")),
  .init(name: "trailing whitespace after extension", input: "5;a=b \r\nhello\r\n0\r\n\r\n", expect: .failed(.invalidChunkExtension, body: "")),
  .init(name: "extension without value", input: "5;a=\r\nhello\r\n0\r\n\r\n", expect: .failed(.invalidChunkExtension, body: "")),
  .init(name: "extension value with space", input: "5;a=b c\r\nhello\r\n0\r\n\r\n", expect: .failed(.invalidChunkExtension, body: "")),
  .init(name: "unterminated quoted extension", input: "5;a=\"x\r\nhello\r\n0\r\n\r\n", expect: .failed(.invalidChunkExtension, body: "")),
  .init(name: "bare LF in extension", input: "5;a\nhello", expect: .failed(.bareLF, body: "")),
  .init(name: "extension too long", input: longExtension, expect: .failed(.chunkExtensionTooLong, body: "")),
  .init(name: "extensions at the per-body limit", input: chunksWithExtensions(4, extensionBytes: 4096), expect: .end(body: "xxxx", rest: "")),
  .init(name: "extensions over the per-body limit", input: chunksWithExtensions(5, extensionBytes: 3999), expect: .failed(.chunkExtensionsTooLarge, body: "xxxx")),
  .init(name: "many small extensions add up", input: chunksWithExtensions(5000, extensionBytes: 4), expect: .failed(.chunkExtensionsTooLarge, body: String(repeating: "x", count: 4096))),
  .init(name: "data longer than size", input: "5\r\nhelloX\r\n0\r\n\r\n", expect: .failed(.invalidChunkTerminator, body: "hello")),
  .init(name: "LF alone after data", input: "5\r\nhello\n0\r\n\r\n", expect: .failed(.invalidChunkTerminator, body: "hello")),
  .init(name: "CR without LF after data", input: "5\r\nhello\rX", expect: .failed(.invalidChunkTerminator, body: "hello")),
  .init(name: "obs-fold in trailer", input: "0\r\nX: a\r\n b\r\n\r\n", expect: .failed(.obsFold, body: "")),
  .init(name: "space before colon in trailer", input: "0\r\nX : a\r\n\r\n", expect: .failed(.whitespaceBeforeColon, body: "")),
  .init(name: "NUL in trailer value", input: "0\r\nX: a\u{0}\r\n\r\n", expect: .failed(.controlCharacter, body: "")),
  .init(name: "trailer without colon", input: "0\r\nX\r\n\r\n", expect: .failed(.missingColon, body: "")),
  .init(name: "trailer with empty name", input: "0\r\n: a\r\n\r\n", expect: .failed(.invalidFieldName, body: "")),
  .init(name: "bare LF in trailer", input: "0\r\nX: a\n\r\n", expect: .failed(.bareLF, body: "")),
  .init(name: "bare CR ending trailers", input: "0\r\n\rX", expect: .failed(.bareCR, body: "")),
  .init(name: "trailer section at the limit", input: "0\r\nX: 12345\r\n\r\n", maxTrailerBytes: 12, expect: .end(body: "", rest: "")),
  .init(name: "trailer section too large", input: "0\r\nX: 123456\r\n\r\n", maxTrailerBytes: 12, expect: .failed(.trailerSectionTooLarge, body: "")),
]

final class ChunkedDecoderTests: XCTestCase {
  func testCasesWholeByteByByteAndRandomSplits() {
    FuzzSeeds.record("chunked", chunkedCases.map(\.input))
    for (index, c) in chunkedCases.enumerated() {
      let input = Array(c.input.utf8)
      let whole = decodeChunked(input, maxTrailerBytes: c.maxTrailerBytes, feeding: .whole)
      XCTAssertEqual(whole, c.expect, "\(c.name) [whole]")
      let bytewise = decodeChunked(input, maxTrailerBytes: c.maxTrailerBytes, feeding: .byteByByte)
      XCTAssertEqual(bytewise, c.expect, "\(c.name) [byte by byte]")
      for round in 0..<20 {
        let seed = UInt64(index * 1000 + round)
        let split = decodeChunked(input, maxTrailerBytes: c.maxTrailerBytes, feeding: .random(seed: seed))
        XCTAssertEqual(split, c.expect, "\(c.name) [split seed \(seed)]")
      }
    }
  }

  func testDecoderAfterEndAndReset() {
    var decoder = ChunkedDecoder()
    let input = Array("0\r\n\r\n".utf8)
    input.withUnsafeBytes { XCTAssertEqual(decoder.decode($0), .end(consumed: 5)) }
    XCTAssertTrue(decoder.isFinished)
    input.withUnsafeBytes { XCTAssertEqual(decoder.decode($0), .end(consumed: 0)) }
    decoder.reset()
    XCTAssertFalse(decoder.isFinished)
    input.withUnsafeBytes { XCTAssertEqual(decoder.decode($0), .end(consumed: 5)) }
  }
}
