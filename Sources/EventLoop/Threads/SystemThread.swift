import Glibc

/// A POSIX thread for the long-lived threads of Gatehouse: the workers' and the admin
/// listener's loops, the log writer, the JWKS fetcher (no Foundation needed). Thread-safe:
/// `start` and `join` are called from the thread that made it, once each.
public final class SystemThread: @unchecked Sendable {
  private let body: @Sendable () -> Void
  private var handle = pthread_t()
  private var started = false

  public init(_ body: @escaping @Sendable () -> Void) { self.body = body }

  /// Starts the thread. `pthread_create` fails with `EAGAIN` when a resource limit is reached.
  public func start() throws(SystemError) {
    precondition(!started, "SystemThread started twice")
    let box = Unmanaged.passRetained(self)
    let code = pthread_create(
      &handle, nil,
      { raw in
        let thread = Unmanaged<SystemThread>.fromOpaque(raw!).takeRetainedValue()
        thread.body()
        return nil
      }, box.toOpaque())
    guard code == 0 else {
      box.release()
      throw SystemError(call: "pthread_create", code: code)
    }
    started = true
  }

  /// Waits for the thread's body to return. Call at most once, from another thread.
  public func join() {
    precondition(started, "SystemThread joined before start")
    let code = pthread_join(handle, nil)
    if code != 0 { Syscall.bug("pthread_join", code) }
  }
}
