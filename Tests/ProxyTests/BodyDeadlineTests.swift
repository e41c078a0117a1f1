import XCTest

@testable import Proxy

/// The request-body deadline (mod_reqtimeout's body=timeout,MinRate=rate).
final class BodyDeadlineTests: XCTestCase {
  private let second: UInt64 = 1_000_000_000

  func testTheDeadlineGrowsOneSecondPerMinRateBytes() {
    let cases: [(received: Int64, minRate: Int, deadline: UInt64)] = [
      (0, 500, 120), (499, 500, 120), (500, 500, 121), (1_000_000, 500, 2120),
      (1_000_000, 0, 120), (7, 1, 127), (-5, 500, 120),
    ]
    for c in cases {
      let body = BodyDeadline(start: 100 * second, timeout: 20 * second, minRate: c.minRate)
      XCTAssertEqual(
        body.deadline(received: c.received), c.deadline * second,
        "\(c.received) bytes at min rate \(c.minRate)")
    }
  }

  /// One byte per 1.5 s (the trickle the issue found) ends at about `body_timeout`.
  func testATrickleMeetsItsDeadline() {
    let body = BodyDeadline(start: 0, timeout: 20 * second, minRate: 500)
    var now: UInt64 = 0
    var received: Int64 = 0
    while now < body.deadline(received: received) {
      now += 3 * second / 2
      received += 1
    }
    XCTAssertLessThanOrEqual(now, 21 * second)
  }

  func testSaturatesInsteadOfWrapping() {
    let body = BodyDeadline(start: UInt64.max - second, timeout: 20 * second, minRate: 1)
    XCTAssertEqual(body.deadline(received: Int64.max), UInt64.max)
  }
}
