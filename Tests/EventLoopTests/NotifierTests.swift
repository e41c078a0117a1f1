import EventLoop
import Synchronization
import XCTest

/// `Notifier` (eventfd) and `SystemThread`: a waiting thread is woken, a wait times out, a
/// notification sent before the wait is not lost.
final class NotifierTests: XCTestCase {
  func testWakesAThreadWaitingOnIt() throws {
    let notifier = try Notifier()
    let woken = Atomic<Int>(-1)
    let thread = SystemThread {
      // Generous: a passing run is woken at once; a broken one ends instead of hanging.
      woken.store(notifier.wait(timeoutNanos: 10_000_000_000) ? 1 : 0, ordering: .relaxed)
    }
    try thread.start()
    notifier.notify()
    thread.join()
    XCTAssertEqual(woken.load(ordering: .relaxed), 1, "woken by notify, not by the timeout")
  }

  func testTimesOutWithoutANotification() throws {
    let notifier = try Notifier()
    let clock = SystemClock()
    let start = clock.monotonicNanos()
    XCTAssertFalse(notifier.wait(timeoutNanos: 20_000_000))
    XCTAssertGreaterThanOrEqual(clock.monotonicNanos() - start, 20_000_000, "not before its timeout")
    XCTAssertFalse(notifier.wait(timeoutNanos: 0), "a zero timeout only looks")
  }

  func testNotificationsBeforeTheWaitCountAsOne() throws {
    let notifier = try Notifier()
    notifier.notify()
    notifier.notify()
    notifier.notify()
    XCTAssertTrue(notifier.wait(timeoutNanos: nil), "pending: returns at once")
    XCTAssertFalse(notifier.wait(timeoutNanos: 0), "consumed by the first wait")
  }

  func testThreadRunsItsBodyAndJoinWaitsForIt() throws {
    let steps = SharedLog<String>()
    let thread = SystemThread { steps.append("body") }
    try thread.start()
    thread.join()
    steps.append("joined")
    XCTAssertEqual(steps.all, ["body", "joined"])
  }
}
