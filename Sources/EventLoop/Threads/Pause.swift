import Glibc

/// Waiting on time alone, for threads that may block (a command-line run such as
/// `gatehouse audit`'s rate limit; never a loop thread, which waits in `epoll_wait`).
/// Thread-safe (no state).
public enum Pause {
  /// Returns once `clock`'s monotonic time has reached `deadline`. Sleeps in `nanosleep` for
  /// the time left and re-checks, so a signal cuts nothing short. Meant for `SystemClock`; a
  /// `ManualClock` that nobody advances never gets there.
  public static func until(_ deadline: UInt64, clock: any Clock) {
    while true {
      let now = clock.monotonicNanos()
      guard now < deadline else { return }
      let left = deadline - now
      var request = timespec(tv_sec: Int(left / 1_000_000_000), tv_nsec: Int(left % 1_000_000_000))
      // EINTR leaves time on the clock: the loop sleeps again for what is left.
      _ = nanosleep(&request, nil)
    }
  }
}
