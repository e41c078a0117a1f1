import EventLoop
import XCTest

/// Timers through a real loop and its timerfd.
final class EventLoopTimerTests: XCTestCase {
  private static let ms: UInt64 = 1_000_000

  func testTimersFireInDeadlineOrder() throws {
    let loop = try EventLoop()
    let start = loop.now
    let cases: [(name: String, delayMs: UInt64)] = [
      ("third", 30), ("first", 5), ("second", 15), ("second-b", 15), ("immediate", 0),
    ]
    var fired: [String] = []
    var lateness: [String: Bool] = [:]
    for c in cases {
      let deadline = start + c.delayMs * Self.ms
      loop.schedule(at: deadline) {
        fired.append(c.name)
        lateness[c.name] = loop.now >= deadline
      }
    }
    loop.schedule(at: start + 40 * Self.ms) { loop.stop() }
    runWithWatchdog(loop, "deadline order")
    XCTAssertEqual(fired, ["immediate", "first", "second", "second-b", "third"])
    for c in cases { XCTAssertEqual(lateness[c.name], true, "\(c.name) fired before its deadline") }
    XCTAssertEqual(loop.pendingTimers, 0)
  }

  func testCancel() throws {
    let loop = try EventLoop()
    let start = loop.now
    var fired: [String] = []
    let cancelledEarly = loop.schedule(at: start + 5 * Self.ms) { fired.append("cancelled early") }
    let earliest = loop.schedule(at: start + 1 * Self.ms) { fired.append("earliest") }
    var cancelledByTimer: TimerID? = nil
    loop.schedule(at: start + 10 * Self.ms) {
      fired.append("canceller")
      loop.cancel(cancelledByTimer!)
      loop.cancel(earliest)  // already fired: a no-op
    }
    cancelledByTimer = loop.schedule(at: start + 20 * Self.ms) { fired.append("cancelled by timer") }
    loop.schedule(at: start + 30 * Self.ms) { loop.stop() }
    loop.cancel(cancelledEarly)
    runWithWatchdog(loop, "cancel")
    XCTAssertEqual(fired, ["earliest", "canceller"])
  }

  func testTimerScheduledFromATimerFires() throws {
    let loop = try EventLoop()
    var fired: [String] = []
    loop.schedule(at: loop.now + Self.ms) {
      fired.append("outer")
      // Earlier than anything armed, later than now: re-arms the timerfd from inside a pass.
      loop.schedule(at: loop.now + 2 * Self.ms) {
        fired.append("inner")
        // Already due: fires on the next iteration, not in this pass.
        loop.schedule(at: 0) {
          fired.append("due at once")
          loop.stop()
        }
      }
    }
    runWithWatchdog(loop, "timer from timer")
    XCTAssertEqual(fired, ["outer", "inner", "due at once"])
  }

  func testLaterTimerAfterEarlierOneFiredIsStillArmed() throws {
    // The timerfd fired and was disarmed; a timer later than the old armed deadline must re-arm it.
    let loop = try EventLoop()
    var fired: [String] = []
    loop.schedule(at: loop.now + Self.ms) {
      fired.append("first")
      loop.afterBatch {
        loop.schedule(at: loop.now + 3 * Self.ms) {
          fired.append("second")
          loop.stop()
        }
      }
    }
    runWithWatchdog(loop, "re-arm after fire")
    XCTAssertEqual(fired, ["first", "second"])
  }
}
