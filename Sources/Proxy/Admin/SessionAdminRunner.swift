import EventLoop
import Sessions

/// Runs admin session operations on a worker's loop with that worker's store: Redis
/// connections are loop-confined, and the admin thread must never block waiting for one.
/// Thread-safe: `run` only enqueues (`EventLoop.execute`).
final class SessionAdminRunner: @unchecked Sendable {
  let loop: EventLoop
  /// Used only on `loop`'s thread.
  private let store: any SessionStore

  init(loop: EventLoop, store: any SessionStore) {
    self.loop = loop
    self.store = store
  }

  /// `body` runs on the worker's loop thread with its store.
  func run(_ body: @escaping @Sendable (any SessionStore) -> Void) {
    loop.execute { [self] in body(store) }
  }
}
