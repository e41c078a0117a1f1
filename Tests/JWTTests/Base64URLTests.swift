import Crypto
import JWT
import XCTest

final class Base64URLTests: XCTestCase {
  func testDecodeTable() {
    let cases: [(name: String, input: String, expected: [UInt8]?)] = [
      ("empty", "", []),
      ("one byte", "QQ", [0x41]),
      ("two bytes", "QUI", [0x41, 0x42]),
      ("three bytes", "QUJD", [0x41, 0x42, 0x43]),
      ("url alphabet - and _", "-_8", [0xFB, 0xFF]),
      ("all ones", "____", [0xFF, 0xFF, 0xFF]),
      ("padding refused", "QQ==", nil),
      ("single pad refused", "QUI=", nil),
      ("plus refused", "+_8", nil),
      ("slash refused", "-/8", nil),
      ("space refused", "QU JD", nil),
      ("newline refused", "QUJD\n", nil),
      ("length 1 mod 4 refused", "QUJDR", nil),
      ("non-canonical trailing bits (2 chars)", "QR", nil),
      ("non-canonical trailing bits (3 chars)", "QUJ", nil),
      ("dot refused", "QU.D", nil),
      ("non-ASCII refused", "QUJé", nil),
    ]
    for c in cases {
      XCTAssertEqual(Base64URL.decode(c.input), c.expected, c.name)
    }
  }

  func testEncodeTable() {
    let cases: [(name: String, input: [UInt8], expected: String)] = [
      ("empty", [], ""),
      ("one byte", [0x41], "QQ"),
      ("two bytes", [0x41, 0x42], "QUI"),
      ("three bytes", [0x41, 0x42, 0x43], "QUJD"),
      ("url alphabet", [0xFB, 0xFF], "-_8"),
    ]
    for c in cases {
      XCTAssertEqual(Base64URL.encode(c.input), c.expected, c.name)
      let borrowed = c.input.withUnsafeBufferPointer { input in
        String(unsafeUninitializedCapacity: Base64URL.encodedCount(input.count)) { output in
          Base64URL.encode(input, into: output.baseAddress!)
        }
      }
      XCTAssertEqual(borrowed, c.expected, "\(c.name), into a buffer")
    }
  }

  func testRoundTripAllLengths() {
    for length in 0..<70 {
      let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
      XCTAssertEqual(Base64URL.decode(Base64URL.encode(bytes)), bytes, "length \(length)")
      let borrowed = bytes.withUnsafeBufferPointer { input in
        String(unsafeUninitializedCapacity: Base64URL.encodedCount(input.count)) { output in
          Base64URL.encode(input, into: output.baseAddress!)
        }
      }
      XCTAssertEqual(borrowed, Base64URL.encode(bytes), "length \(length), into a buffer")
    }
  }
}
