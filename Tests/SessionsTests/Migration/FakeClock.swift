import EventLoop

/// The tests' clock: a `ManualClock` whose wall time starts at `t0`, with shorthands. Thread-safe
/// (atomics, through `ManualClock`).
final class FakeClock: Clock {
  private let manual: ManualClock

  init(_ start: UInt64 = 1_000_000_000) { manual = ManualClock(monotonic: start, wall: t0) }

  var now: UInt64 { manual.monotonicNanos() }

  /// This clock, for call sites that hand it on.
  var read: FakeClock { self }

  func advance(by nanoseconds: UInt64) { manual.advance(by: nanoseconds) }

  func monotonicNanos() -> UInt64 { manual.monotonicNanos() }

  func wallNanos() -> Int64 { manual.wallNanos() }
}
