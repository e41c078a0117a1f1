import XCTest

@testable import Sessions

/// `RedisSessionStore.parseDecimal` (eight digits at a time, then one by one) against the
/// standard library's `Int64(_:)` on the same text.
final class RedisDecimalTests: XCTestCase {
  private func parse(_ text: String) -> Int64? {
    RedisSessionStore.parseDecimal(Array(text.utf8))
  }

  func testAgreesWithInt64OnDigitRuns() {
    var generator = SystemRandomNumberGenerator()
    for length in 1...19 {
      for _ in 0..<200 {
        let digits = String(
          (0..<length).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
        XCTAssertEqual(parse(digits), Int64(digits), digits)
        XCTAssertEqual(parse("-" + digits), Int64("-" + digits), "-" + digits)
      }
    }
    for text in [
      "0", "9", "00000000", "99999999", "12345678", "1764870000000000", "9223372036854775807",
      "-9223372036854775807", "0000000000000000001",
    ] {
      XCTAssertEqual(parse(text), Int64(text), text)
    }
  }

  func testRefusesWhatIsNotADecimal() {
    // A byte just below '0' or above '9' at every position of a 16-digit run (both the
    // eight-digit words and the single digits).
    let base = Array("1764870000000000123".utf8)
    for length in [1, 7, 8, 9, 16, 19] {
      for position in 0..<length {
        for bad: UInt8 in [0x2F, 0x3A, 0x3F, 0x40, 0x20, 0x00, 0x80, 0xB0, 0xFF, UInt8(ascii: "a")] {
          var bytes = Array(base[0..<length])
          bytes[position] = bad
          XCTAssertNil(RedisSessionStore.parseDecimal(bytes), "\(bytes) refused")
        }
      }
    }
    for text in [
      "", "-", "+1", "1.5", "1e5", "92233720368547758070", "9223372036854775808", "99999999999999999999",
    ] {
      XCTAssertNil(parse(text), text)
    }
  }
}
