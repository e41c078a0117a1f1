import Synchronization

/// One value behind a mutex. Thread-safe.
final class LockedValue<Value: Sendable>: Sendable {
  private let value: Mutex<Value>

  init(_ initial: Value) { value = Mutex(initial) }

  var current: Value { value.withLock { $0 } }

  /// Stores `new`; answers the previous value.
  func exchange(_ new: Value) -> Value {
    value.withLock { stored in
      let old = stored
      stored = new
      return old
    }
  }
}
