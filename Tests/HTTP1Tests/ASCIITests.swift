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
}
