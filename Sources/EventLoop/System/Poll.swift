import Glibc

/// `poll(2)` on one descriptor, for threads that may block (helper threads, never a loop
/// thread: loops wait in `epoll_wait`). Thread-safe (no state).
enum Poll {
  enum Readiness {
    /// The descriptor is ready (or has an error or hang-up the next call will report).
    case ready
    case timedOut
    /// A signal interrupted the wait; the caller recomputes its time left and waits again.
    case interrupted
  }

  static let readable = Int16(POLLIN)
  static let writable = Int16(POLLOUT)

  /// Waits until `fd` is ready for `events`, for at most `timeoutNanos` (nil: no limit). The
  /// timeout is rounded up to whole milliseconds, so the wait never ends before it.
  static func wait(_ fd: Int32, for events: Int16, timeoutNanos: UInt64?) -> Readiness {
    var entry = pollfd(fd: fd, events: events, revents: 0)
    let milliseconds: Int32
    if let timeoutNanos {
      milliseconds = Int32(clamping: (timeoutNanos &+ 999_999) / 1_000_000)
    } else {
      milliseconds = -1
    }
    let result = Glibc.poll(&entry, 1, milliseconds)
    if result > 0 {
      if entry.revents & Int16(POLLNVAL) != 0 { Syscall.bug("poll", EBADF) }
      return .ready
    }
    if result == 0 { return .timedOut }
    let code = errno
    if code == EINTR || code == EAGAIN { return .interrupted }
    Syscall.bug("poll", code)
  }
}
