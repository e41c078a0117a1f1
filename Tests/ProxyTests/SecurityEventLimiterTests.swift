import Net
import XCTest

@testable import Proxy

final class SecurityEventLimiterTests: XCTestCase {
  private let second: UInt64 = 1_000_000_000
  private let a = IPAddress.v4(0x0A00_0001)
  private let b = IPAddress.v4(0x0A00_0002)

  func testBurstThenRateAndTheCountOfDroppedLines() {
    let limiter = SecurityEventLimiter(perSecond: 2, burst: 3)
    var verdicts: [SecurityEventLimiter.Verdict] = []
    for _ in 0..<5 { verdicts.append(limiter.admit(source: a, now: 10 * second)) }
    XCTAssertEqual(
      verdicts, [.write(suppressed: 0), .write(suppressed: 0), .write(suppressed: 0), .drop, .drop])
    XCTAssertEqual(
      limiter.admit(source: b, now: 10 * second), .write(suppressed: 0), "another source has its own")
    // Half a second refills one line at 2/s; it reports the two dropped before it.
    XCTAssertEqual(limiter.admit(source: a, now: 10 * second + second / 2), .write(suppressed: 2))
    XCTAssertEqual(limiter.admit(source: a, now: 10 * second + second / 2), .drop)
    XCTAssertEqual(limiter.dropped, 3)
    // A long pause refills to the burst, not beyond.
    let later = 100 * second
    let refilled = (0..<4).map { _ in limiter.admit(source: a, now: later) }
    XCTAssertEqual(refilled, [.write(suppressed: 1), .write(suppressed: 0), .write(suppressed: 0), .drop])
  }

  func testManySourcesShareTheGlobalBudget() {
    let limiter = SecurityEventLimiter(perSecond: 1, burst: 2)
    var written = 0
    for n in 0..<100 {
      if case .write = limiter.admit(source: .v4(UInt32(n)), now: second) { written += 1 }
    }
    XCTAssertEqual(written, 20, "ten bursts in total at one instant")
    XCTAssertEqual(limiter.dropped, 80)
  }

  func testTheSourceTableStaysBounded() {
    let limiter = SecurityEventLimiter(perSecond: 1000, burst: 1, maxSources: 8)
    for n in 0..<1000 {
      _ = limiter.admit(source: .v4(UInt32(n)), now: UInt64(n) * second)
      XCTAssertLessThanOrEqual(limiter.sourceCount, 8)
    }
    XCTAssertEqual(limiter.dropped, 0, "one line per source per second fits every budget")
    XCTAssertEqual(
      limiter.admit(source: .v4(999), now: 999 * second), .drop, "a remembered source keeps its bucket")
  }

  func testZeroRateTurnsTheLimitOff() {
    let limiter = SecurityEventLimiter(perSecond: 0, burst: 1)
    for _ in 0..<100 { XCTAssertEqual(limiter.admit(source: a, now: 0), .write(suppressed: 0)) }
    XCTAssertEqual(limiter.dropped, 0)
  }
}
