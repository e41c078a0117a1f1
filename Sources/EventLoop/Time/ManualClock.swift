import Synchronization

/// A clock that moves only when told to, for tests: a component given one sees exactly the
/// times the test sets, so timeouts, cache schedules and breaker cool-downs are tested without
/// sleeping. Both time lines move together on `advance`. Thread-safe (atomics): a test thread
/// may advance it while a loop or helper thread reads it.
///
/// Note that kernel waits still take real time: an `EventLoop` driven by a manual clock arms its
/// timerfd for the manual time left, and a woken loop (`wakeUp()`) re-reads the clock, so a test
/// advances the clock and then wakes the loop.
public final class ManualClock: Clock {
  private let monotonic: Atomic<UInt64>
  private let wall: Atomic<Int64>

  /// Starts at `monotonic` ns and at `wall` ns since the epoch (default 2023-11-14T22:13:20Z).
  public init(monotonic: UInt64 = 1_000_000_000, wall: Int64 = 1_700_000_000_000_000_000) {
    self.monotonic = Atomic(monotonic)
    self.wall = Atomic(wall)
  }

  public func monotonicNanos() -> UInt64 { monotonic.load(ordering: .acquiring) }

  public func wallNanos() -> Int64 { wall.load(ordering: .acquiring) }

  /// Moves both time lines forward by `nanos`.
  public func advance(by nanos: UInt64) {
    wall.wrappingAdd(Int64(nanos), ordering: .releasing)
    monotonic.wrappingAdd(nanos, ordering: .releasing)
  }

  /// Moves both time lines forward by `duration` (which must not be negative).
  public func advance(by duration: Duration) {
    let (seconds, attoseconds) = duration.components
    precondition(seconds >= 0 && attoseconds >= 0, "ManualClock cannot go back")
    advance(by: UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000))
  }

  /// Sets the wall clock alone (a clock step, as NTP may make); the monotonic time stays.
  public func setWall(_ nanos: Int64) {
    wall.store(nanos, ordering: .releasing)
  }
}
