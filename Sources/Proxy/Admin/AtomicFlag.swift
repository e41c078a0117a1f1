import Synchronization

/// A boolean shared by reference (a readiness check captures it). Thread-safe (atomic).
final class AtomicFlag: Sendable {
  private let value: Atomic<Bool>

  init(_ initial: Bool = false) { value = Atomic(initial) }

  func set(_ newValue: Bool) { value.store(newValue, ordering: .releasing) }

  var isSet: Bool { value.load(ordering: .acquiring) }
}
