import CLinux
import Glibc

/// `timerfd_create(2)` on `CLOCK_MONOTONIC`: one per `EventLoop`, armed for the time left until
/// its earliest timer deadline. Thread-safe (no state).
enum TimerFd {
  static func create() throws(SystemError) -> Int32 {
    try Syscall.check("timerfd_create") {
      timerfd_create(CLOCK_MONOTONIC, Int32(TFD_NONBLOCK | TFD_CLOEXEC))
    }
  }

  /// One-shot after `nanos` (relative: the deadline is on the loop's clock, which need not be
  /// `CLOCK_MONOTONIC`); 0 fires at once.
  static func arm(_ fd: Int32, after nanos: UInt64) {
    let after = max(nanos, 1)  // an all-zero it_value would disarm
    var spec = itimerspec()
    spec.it_value.tv_sec = Int(after / 1_000_000_000)
    spec.it_value.tv_nsec = Int(after % 1_000_000_000)
    if timerfd_settime(fd, 0, &spec, nil) != 0 {
      Syscall.bug("timerfd_settime", errno)
    }
  }

  /// Reads the expiration count so the descriptor stops being readable.
  static func drain(_ fd: Int32) {
    var value: UInt64 = 0
    _ = Syscall.io("timerfd read") { Glibc.read(fd, &value, 8) }
  }
}
