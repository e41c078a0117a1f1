import Codecs
import XCTest

final class HexTests: XCTestCase {
  func testDigits() {
    let lower = (0..<16).map { Hex.digit(UInt8($0)) }
    let upper = (0..<16).map { Hex.upperDigit(UInt8($0)) }
    XCTAssertEqual(String(decoding: lower, as: UTF8.self), "0123456789abcdef")
    XCTAssertEqual(String(decoding: upper, as: UTF8.self), "0123456789ABCDEF")
    XCTAssertEqual(Hex.digit(0xA7), UInt8(ascii: "7"), "only the low four bits count")
    XCTAssertEqual(Hex.upperDigit(0x7A), UInt8(ascii: "A"), "only the low four bits count")
  }

  func testEncode() {
    let cases: [(name: String, bytes: [UInt8], hex: String)] = [
      ("empty", [], ""),
      ("one byte", [0x0F], "0f"),
      ("every nibble", [0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF], "0123456789abcdef"),
      ("zeros and ones", [0x00, 0xFF], "00ff"),
    ]
    for c in cases {
      XCTAssertEqual(Hex.encode(c.bytes), c.hex, c.name)
      XCTAssertEqual(Hex.encode(c.bytes[...]), c.hex, "\(c.name), slice")
    }
  }

  func testFixedWidth64() {
    let cases: [(name: String, value: UInt64, hex: String)] = [
      ("zero keeps its leading zeros", 0, "0000000000000000"),
      ("one", 1, "0000000000000001"),
      ("max", .max, "ffffffffffffffff"),
      ("trace id half", 0x0af7_6519_16cd_43dd, "0af7651916cd43dd"),
    ]
    for c in cases {
      XCTAssertEqual(Hex.string64(c.value), c.hex, c.name)
      var out = [UInt8](repeating: 0, count: 18)
      out.withUnsafeMutableBufferPointer { Hex.write64(c.value, to: $0.baseAddress! + 1) }
      XCTAssertEqual(out.first, 0, "\(c.name): nothing written before")
      XCTAssertEqual(out.last, 0, "\(c.name): nothing written after")
      XCTAssertEqual(String(decoding: out[1..<17], as: UTF8.self), c.hex, "\(c.name), written")
    }
  }

  /// The word-wise `write64` against the digit-by-digit definition, for every nibble value in
  /// every position and random values.
  func testFixedWidth64MatchesDigitByDigit() {
    var values: [UInt64] = (0..<16).flatMap { position in
      (0..<16).map { UInt64($0) << (4 * UInt64(position)) }
    }
    var generator = SystemRandomNumberGenerator()
    values += (0..<2_000).map { _ in generator.next() }
    for value in values {
      let expected = (0..<16).map { Hex.digit(UInt8(truncatingIfNeeded: value >> UInt64(60 - 4 * $0))) }
      var out = [UInt8](repeating: 0, count: 16)
      out.withUnsafeMutableBufferPointer { Hex.write64(value, to: $0.baseAddress!) }
      XCTAssertEqual(out, expected, String(value, radix: 16))
    }
  }

  func testDecode() {
    let cases: [(name: String, text: String, bytes: [UInt8]?)] = [
      ("empty", "", []),
      ("lower", "00ff10", [0x00, 0xFF, 0x10]),
      ("upper", "ABCDEF", [0xAB, 0xCD, 0xEF]),
      ("mixed", "aB", [0xAB]),
      ("odd length", "abc", nil),
      ("not hex", "zz", nil),
      ("space", "0 ", nil),
    ]
    for c in cases {
      XCTAssertEqual(Hex.decode(c.text[...].utf8), c.bytes, c.name)
      if let bytes = c.bytes {
        XCTAssertEqual(Hex.decode(Hex.encode(bytes)[...].utf8), bytes, "\(c.name), round trip")
      }
    }
  }
}
