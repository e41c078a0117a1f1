import XCTest

@testable import HTTP1

/// The byte classes are bit masks; check them against the RFC's character lists.
final class ASCIITests: XCTestCase {
  func testClassesMatchTheRFCSets() {
    let alnum = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
    let tchar = alnum.union("!#$%&'*+-.^_`|~".utf8)
    let hex = Set("0123456789abcdefABCDEF".utf8)
    let plainName = tchar.subtracting("%_".utf8)
    let regName = alnum.union("-._".utf8)
    let ipv6 = hex.union(":.".utf8)
    for b in 0...255 {
      let byte = UInt8(b)
      XCTAssertEqual(ASCII.isTChar(byte), tchar.contains(byte), "tchar \(b)")
      XCTAssertEqual(ASCII.isHexDigit(byte), hex.contains(byte), "hex \(b)")
      XCTAssertEqual(ASCII.isPlainNameChar(byte), plainName.contains(byte), "plain name \(b)")
      XCTAssertEqual(ASCII.isRegNameChar(byte), regName.contains(byte), "reg-name \(b)")
      XCTAssertEqual(ASCII.isIPv6LiteralChar(byte), ipv6.contains(byte), "IPv6 literal \(b)")
      XCTAssertEqual(ASCII.isDigit(byte), (48...57).contains(b), "digit \(b)")
      XCTAssertEqual(ASCII.isAlpha(byte), (65...90).contains(b) || (97...122).contains(b), "alpha \(b)")
      if hex.contains(byte) {
        XCTAssertEqual(
          Int(ASCII.hexValue(byte)), Int(String(UnicodeScalar(byte)), radix: 16), "hex value \(b)")
      }
    }
  }

  /// The value scan's sixteen-byte test finds a byte that is not a plain value byte exactly where
  /// the word test does: every byte value at every position of an otherwise plain block.
  func testSixteenByteValueTestAgreesWithTheWordTest() {
    for position in 0..<16 {
      for value in 0...255 {
        var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 16)
        bytes[position] = UInt8(value)
        let block = bytes.withUnsafeBytes { $0.loadUnaligned(as: SIMD16<UInt8>.self) }
        let words = bytes.withUnsafeBytes {
          HeadParser.notPlainValueBytes($0.loadUnaligned(as: UInt64.self))
            | HeadParser.notPlainValueBytes($0.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        }
        let plain = value > 0x20 && value != 0x7F
        XCTAssertEqual(HeadParser.hasNotPlainValueByte(block), !plain, "byte \(value) at \(position)")
        XCTAssertEqual(words != 0, !plain, "byte \(value) at \(position)")
      }
    }
  }
}
