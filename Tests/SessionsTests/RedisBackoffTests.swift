import XCTest

@testable import Sessions

final class RedisBackoffTests: XCTestCase {
  func testDelaysDoubleUpToTheCapWithEqualJitter() {
    let ms: UInt64 = 1_000_000
    let cases: [(name: String, random: (UInt64) -> UInt64, expected: [UInt64])] = [
      ("no jitter drawn", { _ in 0 }, [25, 50, 100, 200, 400, 500, 500].map { $0 * ms }),
      ("max jitter drawn", { bound in bound - 1 }, [50, 100, 200, 400, 800, 1000, 1000].map { $0 * ms }),
    ]
    for c in cases {
      var backoff = RedisBackoff(base: 50 * ms, cap: 1000 * ms, random: c.random)
      let delays = (0..<7).map { _ in backoff.nextDelay() }
      XCTAssertEqual(delays, c.expected, c.name)
      backoff.reset()
      XCTAssertEqual(backoff.nextDelay(), c.expected[0], "\(c.name): reset starts over")
    }
  }

  func testHugeAttemptCountsSaturateAtTheCap() {
    var backoff = RedisBackoff(base: 3, cap: 1_000_000_000_000, random: { _ in 0 })
    var last: UInt64 = 0
    for _ in 0..<200 { last = backoff.nextDelay() }
    XCTAssertEqual(last, 500_000_000_000, "saturated at cap/2 + jitter 0")
  }
}
