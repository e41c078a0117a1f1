import EventLoop
import Glibc
import Synchronization
import XCTest

/// A handler that forwards events to a closure. Loop-thread only.
final class ClosureHandler: EventHandler {
  var calls = 0
  let body: (Events) -> Void
  init(_ body: @escaping (Events) -> Void) { self.body = body }
  func handle(_ events: Events) {
    calls += 1
    body(events)
  }
}

/// A log that threads may append to. Thread-safe (Mutex).
final class SharedLog<T: Sendable>: Sendable {
  private let items = Mutex<[T]>([])
  func append(_ item: T) { items.withLock { $0.append(item) } }
  var all: [T] { items.withLock { $0 } }
}

/// Runs `loop` until something stops it, or fails `name` after `seconds` (a loop timer, so a
/// broken test ends instead of hanging; passing tests never wait for it).
func runWithWatchdog(
  _ loop: EventLoop, _ name: String, seconds: UInt64 = 10, file: StaticString = #filePath, line: UInt = #line
) {
  var timedOut = false
  let watchdog = loop.schedule(at: loop.clock.monotonicNanos() + seconds * 1_000_000_000) {
    timedOut = true
    loop.stop()
  }
  loop.run()
  loop.cancel(watchdog)
  XCTAssertFalse(timedOut, "\(name): the loop was not stopped within \(seconds) s", file: file, line: line)
}

/// A connected non-blocking AF_UNIX stream pair.
func makeSocketPair() -> (Int32, Int32) {
  var fds: [Int32] = [-1, -1]
  let type = Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)
  precondition(socketpair(AF_UNIX, type, 0, &fds) == 0, "socketpair failed")
  return (fds[0], fds[1])
}

func writeAll(_ fd: Int32, _ text: String) -> IOStatus {
  var bytes = Array(text.utf8)
  return Posix.write(fd, &bytes, bytes.count)
}

func readString(_ fd: Int32, max: Int = 4096) -> (IOStatus, String) {
  var bytes = [UInt8](repeating: 0, count: max)
  let status = Posix.read(fd, &bytes, max)
  if case .bytes(let count) = status {
    return (status, String(decoding: bytes[0..<count], as: UTF8.self))
  }
  return (status, "")
}
