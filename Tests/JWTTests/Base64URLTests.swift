import Crypto
import Foundation
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

  /// RFC 4648 §10's test vectors in the URL alphabet, and a 64-byte value (the CSRF token's
  /// length: the eight-byte loads, then the three-byte groups, then one byte left) whose
  /// characters span the whole alphabet.
  func testEncodeVectors() {
    let vectors: [(String, String)] = [
      ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"),
      ("foobar", "Zm9vYmFy"),
    ]
    for (input, expected) in vectors {
      XCTAssertEqual(Base64URL.encode(Array(input.utf8)), expected, input)
    }
    // The 6-bit groups 0, 1, 2, ..., 63, 0, 1, ... packed into bytes (0x00, 0x10, 0x83, ...).
    var bits: [UInt8] = []
    var accumulator: UInt32 = 0
    var held = 0
    for group in 0..<88 {
      accumulator = accumulator << 6 | UInt32(group % 64)
      held += 6
      while held >= 8 {
        bits.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(held - 8)))
        held -= 8
      }
    }
    let sixtyFour = Array(bits.prefix(64))
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    // The last character holds the low two bits of group 85 (21: 0b010101), then zeros.
    let expected = String((alphabet + alphabet).prefix(85)) + "Q"
    XCTAssertEqual(Base64URL.encode(sixtyFour), expected)
  }

  /// Every length from 0 to 200 of random bytes against Foundation's base64 turned into the URL
  /// alphabet without padding, through both entry points.
  func testEncodeMatchesFoundation() {
    var generator = SystemRandomNumberGenerator()
    for length in 0...200 {
      let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
      let expected = Data(bytes).base64EncodedString()
        .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
      XCTAssertEqual(Base64URL.encode(bytes), expected, "length \(length)")
      let borrowed = bytes.withUnsafeBufferPointer { input in
        String(unsafeUninitializedCapacity: Base64URL.encodedCount(input.count)) { output in
          Base64URL.encode(input, into: output.baseAddress!)
        }
      }
      XCTAssertEqual(borrowed, expected, "length \(length), into a buffer")
    }
  }
}
