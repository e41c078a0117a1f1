import Synchronization

/// The current session service, shared with threads other than the one that reloads it (the
/// metrics scrape hook). Thread-safe (Mutex).
final class SessionServiceSlot: Sendable {
  private let value = Mutex<SessionService?>(nil)

  var service: SessionService? { value.withLock { $0 } }
  func set(_ service: SessionService?) { value.withLock { $0 = service } }
}
