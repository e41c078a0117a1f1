import CLinux
import Glibc

/// `eventfd(2)` calls behind `Notifier` (the cross-thread wake-up of helper threads and of every
/// `EventLoop`). Thread-safe (no state).
enum EventFd {
  static func create() throws(SystemError) -> Int32 {
    try Syscall.check("eventfd") { eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC)) }
  }

  /// Adds 1 to the counter. `EAGAIN` (the counter is at its maximum) still leaves the
  /// descriptor readable, which is all a wake-up needs.
  static func signal(_ fd: Int32) {
    var one: UInt64 = 1
    _ = Syscall.io("eventfd write") { Glibc.write(fd, &one, 8) }
  }

  /// Resets the counter to 0 so the level-triggered descriptor stops being readable.
  static func drain(_ fd: Int32) {
    var value: UInt64 = 0
    _ = Syscall.io("eventfd read") { Glibc.read(fd, &value, 8) }
  }
}
