/// A cross-thread wake-up on one eventfd (`EFD_NONBLOCK | EFD_CLOEXEC`): any thread may
/// `notify()`; one thread waits for it, either in `wait(timeoutNanos:)` (a helper thread: the
/// JWKS fetcher, the log writer, the server's drain) or in `epoll_wait` (an `EventLoop`, which
/// registers `descriptor` and calls `reset()`). Thread-safe.
///
/// A notification is never lost: one sent before the wait starts makes the wait return at once.
/// Several notifications before a wait count as one.
public final class Notifier: Sendable {
  private let fd: FileDescriptor

  public init() throws(SystemError) {
    fd = FileDescriptor(owning: try EventFd.create())
  }

  /// The eventfd, for an epoll registration. Readable while a notification is pending.
  var descriptor: Int32 { fd.rawValue }

  /// Wakes the waiter (now, or its next wait). Never blocks.
  public func notify() {
    EventFd.signal(fd.rawValue)
  }

  /// Blocks the calling thread until a notification or until `timeoutNanos` passed (nil: no
  /// limit). True when notified (the notification is consumed). False on timeout — and, rarely,
  /// early when a signal interrupted the wait: callers re-check their condition and wait again,
  /// as with a condition variable.
  public func wait(timeoutNanos: UInt64?) -> Bool {
    switch Poll.wait(fd.rawValue, for: Poll.readable, timeoutNanos: timeoutNanos) {
    case .ready:
      reset()
      return true
    case .timedOut, .interrupted:
      return false
    }
  }

  /// Consumes pending notifications without waiting.
  func reset() {
    EventFd.drain(fd.rawValue)
  }
}
