import EventLoop
import Glibc
import Synchronization
import XCTest

/// `Posix.writeAll` (the log writer's write): a full non-blocking descriptor makes it wait for
/// room instead of failing or dropping bytes.
final class BlockingWriteTests: XCTestCase {
  func testWaitsForRoomOnAFullNonBlockingDescriptor() throws {
    let (writeEnd, readEnd) = makeSocketPair()
    defer { Posix.close(readEnd) }
    // Far more than a socket buffer holds: the writer meets EAGAIN and must wait in poll.
    let payload = (0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 11) }
    let result = Atomic<Int32>(-1)
    let writer = SystemThread {
      result.store(payload.withUnsafeBytes { Posix.writeAll(writeEnd, $0) }, ordering: .relaxed)
      Posix.close(writeEnd)
    }
    try writer.start()
    var received: [UInt8] = []
    received.reserveCapacity(payload.count)
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      var entry = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
      guard poll(&entry, 1, 10_000) == 1 else { break }
      let status = Posix.read(readEnd, &buffer, buffer.count)
      if case .bytes(let count) = status {
        received += buffer[0..<count]
      } else if status != .wouldBlock {
        break
      }
    }
    writer.join()
    XCTAssertEqual(result.load(ordering: .relaxed), 0, "no error")
    XCTAssertEqual(received.count, payload.count)
    XCTAssertTrue(received == payload, "every byte, in order")
  }

  func testReportsTheErrnoWhenTheReaderIsGone() {
    let (writeEnd, readEnd) = makeSocketPair()
    defer { Posix.close(writeEnd) }
    Posix.close(readEnd)
    let code = Array("x".utf8).withUnsafeBytes { Posix.writeAll(writeEnd, $0) }
    XCTAssertEqual(code, EPIPE)
  }
}
