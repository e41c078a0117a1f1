import XCTest

@testable import Proxy

/// The request-body deadline (mod_reqtimeout's body=timeout,MinRate=rate).
final class BodyDeadlineTests: XCTestCase {
  private let second: UInt64 = 1_000_000_000

  func testTheDeadlineGrowsOneSecondPerMinRateBytes() {
    let cases: [(received: Int, minRate: Int, deadline: UInt64)] = [
      (0, 500, 120), (499, 500, 120), (500, 500, 121), (1_000_000, 500, 2120),
      (1_000_000, 0, 120), (7, 1, 127),
    ]
    for c in cases {
      var body = BodyDeadline(start: 100 * second, timeout: 20 * second, minRate: c.minRate)
      body.receive(c.received)
      XCTAssertEqual(body.deadline, c.deadline * second, "\(c.received) bytes at min rate \(c.minRate)")
    }
  }

  /// One byte per 1.5 s (the trickle the issue found) ends within the timeout plus what it earned.
  func testATrickleMeetsItsDeadline() {
    var body = BodyDeadline(start: 0, timeout: 20 * second, minRate: 500)
    var now: UInt64 = 0
    while now < body.deadline {
      now += 3 * second / 2
      body.receive(1)
    }
    XCTAssertLessThanOrEqual(now, 21 * second, "a 1-byte-per-1.5-s body ends at about body_timeout")
  }

  func testSaturatesInsteadOfWrapping() {
    var body = BodyDeadline(start: UInt64.max - second, timeout: 20 * second, minRate: 1)
    body.receive(Int.max)
    XCTAssertEqual(body.deadline, UInt64.max)
  }
}
