import EventLoop
import Glibc
import XCTest

/// `Pause` returns only once the clock reached the deadline (never before), and at once for a
/// deadline already past; `Terminal` tells a pipe from a terminal.
final class PauseTests: XCTestCase {
  func testPauseReachesItsDeadline() {
    let clock = SystemClock()
    let deadline = clock.monotonicNanos() + 20_000_000
    Pause.until(deadline, clock: clock)
    XCTAssertGreaterThanOrEqual(clock.monotonicNanos(), deadline)
    let past = clock.monotonicNanos() - 1
    Pause.until(past, clock: clock)
  }

  func testAPipeIsNotATerminal() {
    var fds: [Int32] = [0, 0]
    XCTAssertEqual(pipe(&fds), 0)
    defer { Posix.close(fds[0]); Posix.close(fds[1]) }
    XCTAssertFalse(Terminal.isTerminal(fds[0]))
  }
}
