import Synchronization

/// A monotonic clock the test moves by hand. Thread-safe (atomic).
final class FakeClock: Sendable {
  private let value: Atomic<UInt64>

  init(_ start: UInt64 = 1_000_000_000) { value = Atomic(start) }

  var now: UInt64 { value.load(ordering: .relaxed) }

  var read: @Sendable () -> UInt64 { { [self] in now } }

  func advance(by nanoseconds: UInt64) { value.add(nanoseconds, ordering: .relaxed) }
}
