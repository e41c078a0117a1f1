import XCTest

@testable import EventLoop

/// The heap itself, driven by a fake clock (plain numbers).
final class TimerQueueTests: XCTestCase {
  enum Step {
    case schedule(String, at: UInt64)
    case cancel(String)
    /// Pops everything due at this time; expects these names in this order.
    case advance(to: UInt64, fires: [String])
  }

  func testScenarios() {
    let cases: [(name: String, steps: [Step])] = [
      (
        "deadline order",
        [
          .schedule("c", at: 30), .schedule("a", at: 10), .schedule("b", at: 20),
          .advance(to: 5, fires: []), .advance(to: 25, fires: ["a", "b"]), .advance(to: 30, fires: ["c"]),
        ]
      ),
      (
        "equal deadlines fire in scheduling order",
        [
          .schedule("first", at: 10), .schedule("second", at: 10), .schedule("third", at: 10),
          .advance(to: 10, fires: ["first", "second", "third"]),
        ]
      ),
      (
        "cancel the earliest",
        [
          .schedule("a", at: 10), .schedule("b", at: 20), .cancel("a"),
          .advance(to: 100, fires: ["b"]),
        ]
      ),
      (
        "cancel from the middle keeps the heap ordered",
        [
          .schedule("a", at: 50), .schedule("b", at: 10), .schedule("c", at: 40), .schedule("d", at: 20),
          .schedule("e", at: 30), .schedule("f", at: 60), .cancel("d"), .cancel("f"),
          .advance(to: 100, fires: ["b", "e", "c", "a"]),
        ]
      ),
      (
        "cancel after firing is a no-op, even when the slot is reused",
        [
          .schedule("a", at: 10), .advance(to: 10, fires: ["a"]), .schedule("b", at: 20), .cancel("a"),
          .advance(to: 20, fires: ["b"]),
        ]
      ),
      (
        "double cancel is a no-op",
        [.schedule("a", at: 10), .schedule("b", at: 11), .cancel("a"), .cancel("a"), .advance(to: 20, fires: ["b"])]
      ),
    ]
    for c in cases {
      var queue = TimerQueue()
      var ids: [String: TimerID] = [:]
      var fired: [String] = []
      for step in c.steps {
        switch step {
        case .schedule(let name, let at):
          ids[name] = queue.insert(deadline: at) { fired.append(name) }
        case .cancel(let name):
          queue.cancel(ids[name]!)
        case .advance(let now, let expected):
          fired = []
          while let callback = queue.popDue(now: now, sequenceLimit: queue.nextSequence) { callback() }
          XCTAssertEqual(fired, expected, "\(c.name): at \(now)")
        }
      }
    }
  }

  func testSequenceLimitStopsATimerThatReschedulesForNow() {
    var queue = TimerQueue()
    _ = queue.insert(deadline: 5) {}
    let limit = queue.nextSequence
    _ = queue.insert(deadline: 5) {}  // scheduled "during" the pass
    XCTAssertNotNil(queue.popDue(now: 5, sequenceLimit: limit))
    XCTAssertNil(queue.popDue(now: 5, sequenceLimit: limit), "a timer scheduled during the pass waits")
    XCTAssertEqual(queue.count, 1)
  }

  func testRandomOperationsMatchASortedModel() {
    var generator = SplitMix(seed: 42)
    var queue = TimerQueue()
    var model: [(deadline: UInt64, sequence: Int, id: TimerID)] = []
    var sequence = 0
    var fired: [Int] = []
    for round in 0..<2000 {
      switch generator.next() % 4 {
      case 0, 1:
        let deadline = generator.next() % 1000
        let tag = sequence
        let id = queue.insert(deadline: deadline) { fired.append(tag) }
        model.append((deadline, sequence, id))
        sequence += 1
      case 2 where !model.isEmpty:
        let index = Int(generator.next() % UInt64(model.count))
        XCTAssertTrue(queue.cancel(model[index].id), "round \(round): cancel of a pending timer")
        model.remove(at: index)
      default:
        let now = generator.next() % 1000
        fired = []
        while let callback = queue.popDue(now: now, sequenceLimit: queue.nextSequence) { callback() }
        let due = model.filter { $0.deadline <= now }.sorted { ($0.deadline, $0.sequence) < ($1.deadline, $1.sequence) }
        model.removeAll { $0.deadline <= now }
        XCTAssertEqual(fired, due.map(\.sequence), "round \(round): fired at \(now)")
      }
      XCTAssertEqual(queue.count, model.count, "round \(round): count")
    }
  }
}

/// A tiny deterministic generator, so the random test is the same on every run.
struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
