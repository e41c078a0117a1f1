import EventLoop

/// Session deadlines are wall-clock (they are shared with other replicas through the store).
enum WallClockNow {
  @inline(__always)
  static func nanos() -> Int64 { WallClock.nowNanos() }
}
