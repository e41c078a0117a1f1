import EventLoop
import XCTest

/// `ManualClock` on its own, and driving an `EventLoop`'s `now` and timers without sleeping.
final class ManualClockTests: XCTestCase {
  private static let second: UInt64 = 1_000_000_000

  func testMovesOnlyWhenTold() {
    let clock = ManualClock(monotonic: 5, wall: 1_700_000_000_000_000_000)
    XCTAssertEqual(clock.monotonicNanos(), 5)
    XCTAssertEqual(clock.wallNanos(), 1_700_000_000_000_000_000)
    clock.advance(by: .milliseconds(1500))
    XCTAssertEqual(clock.monotonicNanos(), 5 + 1_500_000_000)
    XCTAssertEqual(clock.wallNanos(), 1_700_000_001_500_000_000)
    clock.setWall(42)
    XCTAssertEqual(clock.wallNanos(), 42, "a wall-clock step")
    XCTAssertEqual(clock.monotonicNanos(), 5 + 1_500_000_000, "leaves the monotonic time alone")
  }

  /// Each step runs as a loop task, then moves the clock and hands over to the next task, so it
  /// runs in a later iteration — after the loop has re-read the clock and fired what was due.
  func testLoopTimersFollowTheManualClock() throws {
    let clock = ManualClock()
    let loop = try EventLoop(clock: clock)
    let start = loop.now
    XCTAssertEqual(start, clock.monotonicNanos(), "now is the injected clock's")
    let fired = SharedLog<String>()
    loop.schedule(at: start + 5 * Self.second) {
      fired.append("5s timer at \((loop.now - start) / Self.second)s")
      loop.stop()
    }
    loop.execute {
      XCTAssertEqual(fired.all, [], "nothing is due at the start")
      clock.advance(by: 4 * Self.second)
      loop.execute {
        XCTAssertEqual(loop.now - start, 4 * Self.second, "the loop re-read the clock")
        XCTAssertEqual(fired.all, [], "not due at 4 s")
        clock.advance(by: Self.second)
        loop.execute { XCTAssertEqual(fired.all, [], "tasks run before the iteration's timers") }
      }
    }
    runWithWatchdog(loop, "manual clock")
    XCTAssertEqual(fired.all, ["5s timer at 5s"])
  }
}
