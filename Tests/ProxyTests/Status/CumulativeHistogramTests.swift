import XCTest

@testable import Proxy

final class CumulativeHistogramTests: XCTestCase {
  private func histogram(_ pairs: [(Double, Double)]) -> CumulativeHistogram {
    CumulativeHistogram(buckets: pairs.map { ($0.0, $0.1) })
  }

  /// The values `histogram_quantile` gives for the same buckets.
  func testQuantilesInterpolateLikePromQL() {
    struct Case {
      let name: String
      let buckets: [(Double, Double)]
      let q: Double
      let expected: Double?
    }
    let cases = [
      Case(name: "no observations", buckets: [(0.1, 0), (.infinity, 0)], q: 0.5, expected: nil),
      Case(name: "no buckets", buckets: [], q: 0.5, expected: nil),
      Case(
        name: "all in the first bucket", buckets: [(0.1, 10), (1, 10), (.infinity, 10)], q: 0.5,
        expected: 0.05),
      Case(
        name: "rank inside the second bucket", buckets: [(0.1, 50), (1, 100), (.infinity, 100)], q: 0.75,
        expected: 0.55),
      Case(
        name: "p99 in +Inf gives the highest bound", buckets: [(0.1, 10), (1, 98), (.infinity, 100)], q: 0.99,
        expected: 1),
      Case(
        name: "empty buckets before the rank are skipped",
        buckets: [(0.001, 0), (0.01, 0), (0.1, 4), (.infinity, 4)], q: 0.5, expected: 0.055),
      Case(name: "q out of range", buckets: [(0.1, 1), (.infinity, 1)], q: 1.5, expected: nil),
    ]
    for c in cases {
      let value = histogram(c.buckets).quantile(c.q)
      if let expected = c.expected {
        XCTAssertEqual(value ?? -1, expected, accuracy: 1e-9, c.name)
      } else {
        XCTAssertNil(value, c.name)
      }
    }
  }

  func testSinceSubtractsBucketByBucket() {
    let earlier = histogram([(0.1, 5), (1, 8), (.infinity, 9)])
    let later = histogram([(0.1, 7), (1, 18), (.infinity, 20)])
    XCTAssertEqual(later.since(earlier), histogram([(0.1, 2), (1, 10), (.infinity, 11)]))
    XCTAssertEqual(later.since(histogram([])), later, "a bound missing before counts from 0")
    XCTAssertEqual(earlier.since(later), earlier, "a counter that went back (restart) counts from 0")
    XCTAssertEqual(later.since(earlier).total, 11)
  }
}
