import Synchronization

/// An owned file descriptor that is closed exactly once. Thread-safe (an atomic holds the
/// number; closing swaps it for -1).
///
/// The choice: the descriptor is closed by `close()` when the moment matters, and otherwise by
/// `deinit` — Swift releases an object deterministically when its last reference goes, so an
/// early `throw` or `return` cannot leak the descriptor. Closing twice, or using the number after
/// `close()`, is a programming error and stops the program (a second close could close a
/// descriptor another thread has just been given).
///
/// Used where descriptors are owned outside the per-request path: helper threads' sockets
/// (`BlockingSocket`), files (`File`), the `Notifier`. The proxy's connection slots, listeners and
/// the `EventLoop`'s own epoll and timerfd keep a raw `Int32` for speed: each of them has exactly
/// one place that closes it (the connection's or listener's `close`, the loop's `deinit`).
public final class FileDescriptor: Sendable {
  private let value: Atomic<Int32>

  /// Takes ownership of `fd` (>= 0), which must be close-on-exec already.
  public init(owning fd: Int32) {
    precondition(fd >= 0, "FileDescriptor(owning: \(fd))")
    value = Atomic(fd)
  }

  deinit {
    let fd = value.load(ordering: .relaxed)
    if fd >= 0 { Posix.close(fd) }
  }

  /// The number, for system calls. Stops the program after `close()`.
  public var rawValue: Int32 {
    let fd = value.load(ordering: .relaxed)
    precondition(fd >= 0, "FileDescriptor used after close")
    return fd
  }

  /// False once `close()` ran.
  public var isOpen: Bool { value.load(ordering: .relaxed) >= 0 }

  /// Closes now (never retried, see `Posix.close`). Stops the program when already closed.
  public func close() {
    let fd = value.exchange(-1, ordering: .acquiringAndReleasing)
    precondition(fd >= 0, "FileDescriptor closed twice")
    Posix.close(fd)
  }
}
