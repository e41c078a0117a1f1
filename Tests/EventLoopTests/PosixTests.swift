import EventLoop
import Glibc
import XCTest

final class PosixTests: XCTestCase {
  func testReadStatuses() {
    let cases: [(name: String, prepare: (Int32, Int32) -> Void, expected: IOStatus)] = [
      ("data", { a, _ in _ = writeAll(a, "abc") }, .bytes(3)),
      ("nothing yet", { _, _ in }, .wouldBlock),
      ("peer shut down writing", { a, _ in Posix.shutdownWrite(a) }, .eof),
      ("peer closed", { a, _ in Posix.close(a) }, .eof),
    ]
    for c in cases {
      let (a, b) = makeSocketPair()
      c.prepare(a, b)
      XCTAssertEqual(readString(b).0, c.expected, c.name)
      if c.name != "peer closed" { Posix.close(a) }
      Posix.close(b)
    }
  }

  /// `Posix.read` is a `recv`: a descriptor that is not a socket takes the `read(2)` fallback
  /// with the same statuses.
  func testReadFallsBackToReadForPipes() {
    var fds: [Int32] = [-1, -1]
    XCTAssertEqual(pipe(&fds), 0)
    XCTAssertEqual(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0)
    defer { Posix.close(fds[0]) }
    XCTAssertEqual(readString(fds[0]).0, .wouldBlock, "empty pipe")
    XCTAssertEqual(writeAll(fds[1], "abc"), .bytes(3))
    XCTAssertEqual(readString(fds[0]).0, .bytes(3), "data")
    Posix.close(fds[1])
    XCTAssertEqual(readString(fds[0]).0, .eof, "writer closed")
  }

  func testWriteToAClosedPeerFailsWithoutSIGPIPE() {
    let (a, b) = makeSocketPair()
    Posix.close(b)
    XCTAssertEqual(writeAll(a, "x"), .failed(EPIPE), "MSG_NOSIGNAL: EPIPE, not a signal")
    Posix.close(a)
  }

  func testWriteUntilFullWouldBlock() {
    let (a, b) = makeSocketPair()
    defer {
      Posix.close(a)
      Posix.close(b)
    }
    var chunk = [UInt8](repeating: 0x61, count: 65536)
    var last = IOStatus.bytes(1)
    var rounds = 0
    while case .bytes = last, rounds < 10_000 {
      last = Posix.write(a, &chunk, chunk.count)
      rounds += 1
    }
    XCTAssertEqual(last, .wouldBlock)
  }

  func testWriteFallsBackToWriteForPipes() {
    var fds: [Int32] = [-1, -1]
    XCTAssertEqual(pipe(&fds), 0)
    defer {
      Posix.close(fds[0])
      Posix.close(fds[1])
    }
    XCTAssertEqual(writeAll(fds[1], "pipe"), .bytes(4), "write")
    var iov = [iovec]()
    var first = Array("ab".utf8)
    var second = Array("cd".utf8)
    let status = first.withUnsafeMutableBytes { f in
      second.withUnsafeMutableBytes { s in
        iov = [iovec(iov_base: f.baseAddress, iov_len: 2), iovec(iov_base: s.baseAddress, iov_len: 2)]
        return Posix.writev(fds[1], &iov, 2)
      }
    }
    XCTAssertEqual(status, .bytes(4), "writev")
    XCTAssertEqual(readString(fds[0]).1, "pipeabcd")
  }

  func testWritevOnASocket() {
    let (a, b) = makeSocketPair()
    defer {
      Posix.close(a)
      Posix.close(b)
    }
    var head = Array("HTTP/1.1 200 OK\r\n\r\n".utf8)
    var body = Array("hi".utf8)
    let status = head.withUnsafeMutableBytes { h in
      body.withUnsafeMutableBytes { bb in
        var iov = [
          iovec(iov_base: h.baseAddress, iov_len: h.count),
          iovec(iov_base: bb.baseAddress, iov_len: bb.count),
        ]
        return Posix.writev(a, &iov, 2)
      }
    }
    XCTAssertEqual(status, .bytes(21))
    XCTAssertEqual(readString(b).1, "HTTP/1.1 200 OK\r\n\r\nhi")
  }

  func testClocks() {
    let clock = SystemClock()
    let first = clock.monotonicNanos()
    let second = clock.monotonicNanos()
    XCTAssertLessThanOrEqual(first, second, "monotonic")
    let wall = clock.wallNanos()
    XCTAssertGreaterThan(wall, 1_700_000_000 * 1_000_000_000, "after 2023")
  }

  func testSystemErrorDescription() {
    let cases: [(name: String, error: SystemError, expected: String)] = [
      ("refused", SystemError(call: "connect", code: ECONNREFUSED), "connect: Connection refused"),
      ("in use", SystemError(call: "bind", code: EADDRINUSE), "bind: Address already in use"),
      ("too many files", SystemError(call: "accept4", code: EMFILE), "accept4: Too many open files"),
    ]
    for c in cases { XCTAssertEqual(c.error.description, c.expected, c.name) }
  }
}
