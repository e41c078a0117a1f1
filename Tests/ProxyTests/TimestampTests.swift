import Foundation
import Glibc
import XCTest

@testable import Proxy

/// `Timestamp` computes the calendar itself; it must agree with libc's `gmtime_r` everywhere.
final class TimestampTests: XCTestCase {
  private func libc(_ nanos: Int64) -> String {
    var seconds = time_t(nanos / 1_000_000_000)
    var parts = tm()
    gmtime_r(&seconds, &parts)
    return String(
      format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
      parts.tm_hour, parts.tm_min, parts.tm_sec, Int32(nanos / 1_000_000 % 1000))
  }

  func testNamedInstants() {
    let cases: [(name: String, nanos: Int64, expected: String)] = [
      ("epoch", 0, "1970-01-01T00:00:00.000Z"),
      ("access-log fixture", 1_700_000_000_123_000_000, "2023-11-14T22:13:20.123Z"),
      ("leap day 2024", 1_709_164_800_999_999_999, "2024-02-29T00:00:00.999Z"),
      ("end of 1999", 946_684_799_500_000_000, "1999-12-31T23:59:59.500Z"),
      ("2000-02-29 (400-year leap)", 951_782_400_000_000_000, "2000-02-29T00:00:00.000Z"),
      ("2100-03-01 (no leap day)", 4_107_542_400_000_000_000, "2100-03-01T00:00:00.000Z"),
    ]
    for c in cases { XCTAssertEqual(Timestamp.iso8601(nanos: c.nanos), c.expected, c.name) }
  }

  func testAgreesWithGmtime() {
    var state: UInt64 = 0x5EED
    for _ in 0..<20_000 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      // Up to the year 2262 (Int64 nanoseconds end there).
      let nanos = Int64(state >> 1) % 9_000_000_000_000_000_000
      XCTAssertEqual(Timestamp.iso8601(nanos: nanos), libc(nanos), "\(nanos)")
    }
  }
}
