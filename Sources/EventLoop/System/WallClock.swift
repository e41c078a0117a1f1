import Glibc

/// `CLOCK_REALTIME` in nanoseconds since the Unix epoch, for logs and token times; never for
/// measuring durations (it jumps). Thread-safe (no state).
public enum WallClock {
  @inline(__always)
  public static func nowNanos() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Int64(spec.tv_sec) &* 1_000_000_000 &+ Int64(spec.tv_nsec)
  }
}
