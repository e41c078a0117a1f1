import XCTest

@testable import Proxy

final class SecondSeriesTests: XCTestCase {
  func testOneSampleASecondWithGapsForMissedSeconds() {
    struct Case {
      let name: String
      let records: [(value: Double?, second: Int64)]
      let expected: [Double?]
    }
    let cases = [
      Case(name: "consecutive", records: [(1, 10), (2, 11), (3, 12)], expected: [1, 2, 3]),
      Case(name: "a missed second is a gap", records: [(1, 10), (3, 12)], expected: [1, nil, 3]),
      Case(name: "nil is a gap", records: [(1, 10), (nil, 11), (3, 12)], expected: [1, nil, 3]),
      Case(name: "non-finite is a gap", records: [(.infinity, 10), (.nan, 11)], expected: [nil, nil]),
      Case(name: "same second overwrites", records: [(1, 10), (2, 11), (5, 11)], expected: [1, 5]),
      Case(name: "older second ignored", records: [(1, 10), (2, 11), (9, 10)], expected: [1, 2]),
      Case(
        name: "long pause fills at most the capacity", records: [(1, 10), (2, 1000)],
        expected: [nil, nil, nil, 2]),
      Case(name: "wraps", records: (1...6).map { (Double($0), Int64($0)) }, expected: [3, 4, 5, 6]),
    ]
    for c in cases {
      var series = SecondSeries(capacity: 4)
      for record in c.records { series.record(record.value, at: record.second) }
      XCTAssertEqual(series.samples, c.expected, c.name)
      XCTAssertEqual(series.latest, c.expected.last ?? nil, c.name)
    }
  }

}
