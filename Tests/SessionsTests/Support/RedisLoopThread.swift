import EventLoop
import Foundation
import Synchronization

/// Moves a non-Sendable value across the test/loop thread boundary; the tests only touch loop
/// objects on the loop thread.
final class Unchecked<T>: @unchecked Sendable {
  var value: T
  init(_ value: T) { self.value = value }
}

/// An `EventLoop` running on its own thread for the duration of a test; the test thread hands
/// it work with `sync` and `await`. Thread-safe.
final class RedisLoopThread: @unchecked Sendable {
  let loop: EventLoop
  private let finished = DispatchSemaphore(value: 0)

  /// `clock`: the loop's clock (a `ManualClock` drives its timers by hand).
  init(clock: any Clock = SystemClock()) throws {
    loop = try EventLoop(clock: clock)
    let loop = self.loop
    let finished = self.finished
    let thread = Thread {
      loop.run()
      finished.signal()
    }
    thread.start()
  }

  func shutdown() {
    loop.stop()
    _ = finished.wait(timeout: .now() + 10)
  }

  /// Runs `body` on the loop thread and returns its value.
  func sync<R>(_ body: @escaping () -> R) -> R {
    let result = Unchecked<R?>(nil)
    let done = DispatchSemaphore(value: 0)
    let work = Unchecked(body)
    loop.execute {
      result.value = work.value()
      done.signal()
    }
    done.wait()
    return result.value!
  }

  /// Runs `body` on the loop thread and waits (up to `timeout` s) until it calls `done`.
  func await<R>(_ timeout: TimeInterval = 10, _ body: @escaping (_ done: @escaping (R) -> Void) -> Void) -> R?
  {
    let result = Mutex<Unchecked<R?>>(Unchecked(nil))
    let done = DispatchSemaphore(value: 0)
    let work = Unchecked(body)
    loop.execute {
      work.value { value in
        let first = result.withLock { box -> Bool in
          guard box.value == nil else { return false }
          box.value = value
          return true
        }
        if first { done.signal() }
      }
    }
    guard done.wait(timeout: .now() + timeout) == .success else { return nil }
    return result.withLock { $0.value }
  }
}
