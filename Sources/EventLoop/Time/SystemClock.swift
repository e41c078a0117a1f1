import Glibc

/// The kernel's clocks: `CLOCK_MONOTONIC` and `CLOCK_REALTIME` (vDSO calls, no system call
/// on x86_64). The only `clock_gettime` calls in Gatehouse. Immutable.
public struct SystemClock: Clock {
  public init() {}

  @inline(__always)
  public func monotonicNanos() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
  }

  @inline(__always)
  public func wallNanos() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Int64(spec.tv_sec) &* 1_000_000_000 &+ Int64(spec.tv_nsec)
  }
}
