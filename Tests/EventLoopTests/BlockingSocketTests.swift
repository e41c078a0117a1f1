import EventLoop
import Glibc
import Net
import XCTest

/// `BlockingSocket` against a loopback listener in the test: transfers, and every wait ending
/// with `ETIMEDOUT` at its deadline instead of blocking.
final class BlockingSocketTests: XCTestCase {
  private static let ms: UInt64 = 1_000_000
  private let clock = SystemClock()

  /// A listener on an ephemeral loopback port, and its address.
  private func listen() throws -> (fd: Int32, address: SocketAddress) {
    let fd = try Socket.makeListener(SocketAddress.parse("127.0.0.1:0")!, reusePort: false)
    return (fd, try XCTUnwrap(Socket.localAddress(fd)))
  }

  /// The connection the listener has queued (the client connected already).
  private func acceptQueued(_ listener: Int32) throws -> Int32 {
    for _ in 0..<1000 {
      if case .accepted(let fd, _) = Socket.accept(listener) { return fd }
      _ = try Notifier().wait(timeoutNanos: Self.ms)  // the handshake is still on its way
    }
    throw SystemError(call: "accept4", code: EAGAIN)
  }

  private func deadline(ms: UInt64) -> UInt64 { clock.monotonicNanos() + ms * Self.ms }

  func testConnectSendAndReceive() throws {
    let (listener, address) = try listen()
    defer { Posix.close(listener) }
    let socket = try BlockingSocket.connect(to: address, deadline: deadline(ms: 5000), clock: clock)
    let server = try acceptQueued(listener)
    defer { Posix.close(server) }

    let request = Array("GET / HTTP/1.1\r\n\r\n".utf8)
    try request.withUnsafeBytes { try socket.sendAll($0, until: deadline(ms: 5000)) }
    XCTAssertEqual(readString(server).1, "GET / HTTP/1.1\r\n\r\n")

    XCTAssertEqual(writeAll(server, "pong"), .bytes(4))
    var buffer = [UInt8](repeating: 0, count: 64)
    let count = try buffer.withUnsafeMutableBytes { try socket.receive(into: $0, until: deadline(ms: 5000)) }
    XCTAssertEqual(String(decoding: buffer[0..<count], as: UTF8.self), "pong")

    Posix.shutdownWrite(server)
    let end = try buffer.withUnsafeMutableBytes { try socket.receive(into: $0, until: deadline(ms: 5000)) }
    XCTAssertEqual(end, 0, "the peer's FIN reads as 0")
  }

  /// A connection from a chosen local address (the audit's hijack probe replays a cookie from
  /// a second loopback address); the server sees that address, and an address this host does
  /// not have is refused at bind.
  func testConnectFromASourceAddress() throws {
    let (listener, address) = try listen()
    defer { Posix.close(listener) }
    let source = IPAddress("127.1.0.1")!
    let socket = try BlockingSocket.connect(to: address, from: source, deadline: deadline(ms: 5000), clock: clock)
    let server = try acceptQueued(listener)
    defer { Posix.close(server) }
    XCTAssertEqual(Socket.peerAddress(server)?.ip, source)
    XCTAssertEqual(Socket.localAddress(socket.descriptor.rawValue)?.ip, source)
    XCTAssertThrowsError(
      try BlockingSocket.connect(to: address, from: IPAddress("192.0.2.1")!, deadline: deadline(ms: 5000), clock: clock)
    ) { error in
      XCTAssertEqual((error as? SystemError)?.call, "bind")
      XCTAssertEqual((error as? SystemError)?.code, EADDRNOTAVAIL)
    }
  }

  func testWaitsEndAtTheirDeadline() throws {
    let (listener, address) = try listen()
    defer { Posix.close(listener) }
    let socket = try BlockingSocket.connect(to: address, deadline: deadline(ms: 5000), clock: clock)
    let server = try acceptQueued(listener)
    defer { Posix.close(server) }
    var buffer = [UInt8](repeating: 0, count: 64)
    let cases: [(name: String, wait: () throws -> Void)] = [
      (
        "receive with nothing sent",
        {
          _ = try buffer.withUnsafeMutableBytes { try socket.receive(into: $0, until: self.deadline(ms: 30)) }
        }
      ),
      ("waitReadable", { try socket.waitReadable(until: self.deadline(ms: 30)) }),
      ("deadline already passed", { try socket.waitWritable(until: self.clock.monotonicNanos() - 1) }),
      ("armTimeouts with no time left", { try socket.armTimeouts(until: self.clock.monotonicNanos()) }),
    ]
    for c in cases {
      let start = clock.monotonicNanos()
      XCTAssertThrowsError(try c.wait(), c.name) { error in
        XCTAssertEqual((error as? SystemError)?.isTimeout, true, "\(c.name): \(error)")
      }
      XCTAssertLessThan(clock.monotonicNanos() - start, 5000 * Self.ms, "\(c.name): bounded by its deadline")
    }
  }

  /// OpenSSL reads the descriptor itself: the armed `SO_RCVTIMEO` is what bounds its reads.
  func testArmedTimeoutsBoundBlockingCallsMadeByOtherCode() throws {
    let (listener, address) = try listen()
    defer { Posix.close(listener) }
    let socket = try BlockingSocket.connect(to: address, deadline: deadline(ms: 5000), clock: clock)
    let server = try acceptQueued(listener)
    defer { Posix.close(server) }
    try socket.armTimeouts(until: deadline(ms: 30))
    var byte: UInt8 = 0
    let result = Glibc.recv(socket.descriptor.rawValue, &byte, 1, 0)
    let code = errno
    XCTAssertEqual(result, -1)
    XCTAssertTrue(code == EAGAIN || code == EWOULDBLOCK, "a blocking recv ran out of time: errno \(code)")
  }

  func testRefusedConnectionIsThrownWithItsErrno() throws {
    let (listener, address) = try listen()
    Posix.close(listener)  // nothing listens on that port any more
    XCTAssertThrowsError(try BlockingSocket.connect(to: address, deadline: deadline(ms: 5000), clock: clock))
    {
      error in
      XCTAssertEqual((error as? SystemError)?.code, ECONNREFUSED, "\(error)")
      XCTAssertEqual((error as? SystemError)?.call, "connect")
    }
  }

  func testSocketIsBlockingAndCloseOnExecOnceConnected() throws {
    let (listener, address) = try listen()
    defer { Posix.close(listener) }
    let socket = try BlockingSocket.connect(to: address, deadline: deadline(ms: 5000), clock: clock)
    let fd = socket.descriptor.rawValue
    XCTAssertEqual(fcntl(fd, F_GETFL) & O_NONBLOCK, 0, "blocking after connect")
    XCTAssertEqual(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC, "close-on-exec from birth")
    socket.close()
    XCTAssertFalse(socket.descriptor.isOpen)
  }
}

extension BlockingSocketTests {
  /// Time left just under a whole second once rounded the old way gave `tv_usec` = 1,000,000,
  /// which `setsockopt` refuses with `EDOM` (the old JWKS client ignored the error and ran
  /// without a timeout). A manual clock makes the time left exact.
  func testTimeoutsJustUnderAWholeSecondAreAccepted() throws {
    let (listener, address) = try listen()
    defer { Posix.close(listener) }
    let clock = ManualClock()
    let socket = try BlockingSocket.connect(
      to: address, deadline: clock.monotonicNanos() + 5_000_000_000, clock: clock)
    let cases: [(name: String, left: UInt64)] = [
      ("999,999,500 ns", 999_999_500), ("1,999,999,001 ns", 1_999_999_001), ("1 ns", 1),
      ("exactly 1 s", 1_000_000_000),
    ]
    for c in cases {
      XCTAssertNoThrow(try socket.armTimeouts(until: clock.monotonicNanos() + c.left), c.name)
    }
  }
}
