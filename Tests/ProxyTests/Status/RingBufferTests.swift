import XCTest

@testable import Proxy

final class RingBufferTests: XCTestCase {
  func testKeepsTheNewestCapacityElementsOldestFirst() {
    struct Case {
      let name: String
      let capacity: Int
      let appended: [Int]
      let expected: [Int]
    }
    let cases = [
      Case(name: "empty", capacity: 3, appended: [], expected: []),
      Case(name: "below capacity", capacity: 3, appended: [1, 2], expected: [1, 2]),
      Case(name: "exactly full", capacity: 3, appended: [1, 2, 3], expected: [1, 2, 3]),
      Case(name: "one past full", capacity: 3, appended: [1, 2, 3, 4], expected: [2, 3, 4]),
      Case(name: "wrapped twice", capacity: 3, appended: Array(1...8), expected: [6, 7, 8]),
      Case(name: "capacity one", capacity: 1, appended: [1, 2, 3], expected: [3]),
      Case(
        name: "300 seconds of 1000", capacity: 300, appended: Array(1...1000), expected: Array(701...1000)),
    ]
    for c in cases {
      var ring = RingBuffer<Int>(capacity: c.capacity)
      for value in c.appended { ring.append(value) }
      XCTAssertEqual(ring.elements, c.expected, c.name)
      XCTAssertEqual(ring.count, c.expected.count, c.name)
      XCTAssertEqual(ring.newest, c.expected.last, c.name)
      for offset in 0..<c.expected.count {
        XCTAssertEqual(
          ring.element(fromNewest: offset), c.expected[c.expected.count - 1 - offset], "\(c.name) @\(offset)")
      }
      XCTAssertNil(ring.element(fromNewest: c.expected.count), c.name)
      XCTAssertNil(ring.element(fromNewest: -1), c.name)
    }
  }

  func testReplaceNewestOverwritesOnlyTheNewest() {
    var ring = RingBuffer<Int>(capacity: 3)
    ring.replaceNewest(9)
    XCTAssertEqual(ring.elements, [], "nothing to replace")
    for value in 1...5 { ring.append(value) }
    ring.replaceNewest(50)
    XCTAssertEqual(ring.elements, [3, 4, 50])
    ring.append(6)
    XCTAssertEqual(ring.elements, [4, 50, 6])
  }
}
