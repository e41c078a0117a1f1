import EventLoop
import Glibc
import Net
import XCTest

final class SocketTests: XCTestCase {
  func testListenConnectAcceptAndTransfer() throws {
    let cases: [(name: String, listen: String, connectHost: String, peerIsIPv4: Bool)] = [
      ("IPv4 loopback", "127.0.0.1:0", "127.0.0.1", true),
      ("IPv6 loopback", "[::1]:0", "::1", false),
      ("IPv6 any accepts IPv4 (V6ONLY off), peer normalised to IPv4", "[::]:0", "127.0.0.1", true),
    ]
    for c in cases {
      let loop = try EventLoop()
      let listener = try Socket.makeListener(SocketAddress.parse(c.listen)!, reusePort: false)
      defer { Posix.close(listener) }
      let port = try XCTUnwrap(Socket.localAddress(listener)?.port, c.name)
      XCTAssertNotEqual(port, 0, c.name)
      let target = SocketAddress(ip: IPAddress(c.connectHost)!, port: port)
      let (client, _) = try Socket.connect(target)
      defer { Posix.close(client) }
      Socket.setNoDelay(client)

      var accepted: (fd: Int32, peer: SocketAddress)? = nil
      var received = ""
      var connectError: Int32 = -1
      var listenerRegistration: Registration? = nil
      var clientRegistration: Registration? = nil
      let server = ByteBuffer(capacity: 256)
      let serverHandler = ClosureHandler { _ in
        _ = server.read(from: accepted!.fd)
        received = String(
          decoding: UnsafeRawBufferPointer(start: server.readPointer, count: server.readable), as: UTF8.self)
        if received == "ping" { loop.stop() }
      }
      let acceptHandler = ClosureHandler { _ in
        switch Socket.accept(listener) {
        case .accepted(let fd, let peer):
          accepted = (fd, peer)
          loop.unregister(listenerRegistration!, fd: listener)
          _ = loop.register(fd: fd, interest: .read, handler: serverHandler)
        case .wouldBlock: break
        case .failed(let code): XCTFail("\(c.name): accept failed \(code)")
        }
      }
      let clientHandler = ClosureHandler { events in
        connectError = Socket.pendingError(client)
        loop.modify(clientRegistration!, fd: client, interest: [])
        XCTAssertEqual(writeAll(client, "ping"), .bytes(4), c.name)
      }
      listenerRegistration = loop.register(fd: listener, interest: .read, handler: acceptHandler)
      clientRegistration = loop.register(fd: client, interest: .write, handler: clientHandler)
      runWithWatchdog(loop, c.name)

      XCTAssertEqual(connectError, 0, c.name)
      XCTAssertEqual(received, "ping", c.name)
      let (fd, peer) = try XCTUnwrap(accepted, c.name)
      defer { Posix.close(fd) }
      XCTAssertEqual(peer, Socket.localAddress(client), "\(c.name): peer is the client's address")
      XCTAssertEqual(peer.ip.isIPv4, c.peerIsIPv4, c.name)
      XCTAssertEqual(Socket.peerAddress(fd), peer, c.name)
      XCTAssertEqual(Socket.peerAddress(client)?.port, port, c.name)
      XCTAssertEqual(fcntl(fd, F_GETFL) & O_NONBLOCK, O_NONBLOCK, "\(c.name): accepted fd is non-blocking")
      XCTAssertEqual(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC, "\(c.name): accepted fd is close-on-exec")
      XCTAssertEqual(Socket.accept(listener).isWouldBlock, true, "\(c.name): backlog now empty")
    }
  }

  func testConnectToAClosedPortReportsConnectionRefused() throws {
    // A bound socket that never listens holds the port, so nothing else can take it and the
    // kernel answers SYNs with RST.
    let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { Posix.close(holder) }
    let anyLoopback = SocketAddress.parse("127.0.0.1:0")!
    XCTAssertEqual(anyLoopback.withSockAddr { bind(holder, $0, $1) }, 0)
    let port = try XCTUnwrap(Socket.localAddress(holder)?.port)

    let loop = try EventLoop()
    let target = SocketAddress(ip: .v4(0x7F00_0001), port: port)
    let fd: Int32
    do {
      let result = try Socket.connect(target)
      XCTAssertFalse(result.connected, "connect to a closed port cannot succeed")
      fd = result.fd
    } catch {
      // Linux may also refuse synchronously; that is the same answer by another path.
      XCTAssertEqual(error.code, ECONNREFUSED)
      XCTAssertEqual(error.description, "connect: Connection refused")
      return
    }
    defer { Posix.close(fd) }
    var pending: Int32 = -1
    var seen: Events? = nil
    var registration: Registration? = nil
    let handler = ClosureHandler { events in
      seen = events
      pending = Socket.pendingError(fd)
      loop.unregister(registration!, fd: fd)
      loop.stop()
    }
    registration = loop.register(fd: fd, interest: .write, handler: handler)
    runWithWatchdog(loop, "refused")
    XCTAssertEqual(pending, ECONNREFUSED)
    XCTAssertEqual(seen.map { $0.isError || $0.isWritable }, true, "reported as error or writable")
    XCTAssertEqual(Socket.pendingError(fd), 0, "reading SO_ERROR clears it")
  }

  func testReusePort() throws {
    let cases: [(name: String, first: Bool, second: Bool, secondBinds: Bool)] = [
      ("both ask for SO_REUSEPORT", true, true, true),
      ("neither asks", false, false, false),
      ("only the first asks", true, false, false),
      ("only the second asks", false, true, false),
    ]
    for c in cases {
      let first = try Socket.makeListener(SocketAddress.parse("127.0.0.1:0")!, reusePort: c.first)
      defer { Posix.close(first) }
      let address = try XCTUnwrap(Socket.localAddress(first), c.name)
      do {
        let second = try Socket.makeListener(address, reusePort: c.second)
        Posix.close(second)
        XCTAssertTrue(c.secondBinds, "\(c.name): second listener bound")
      } catch {
        XCTAssertFalse(c.secondBinds, "\(c.name): \(error)")
        XCTAssertEqual(error.code, EADDRINUSE, c.name)
        XCTAssertEqual(error.call, "bind", c.name)
      }
    }
  }

  func testAcceptOnAnEmptyBacklogWouldBlock() throws {
    let listener = try Socket.makeListener(SocketAddress.parse("127.0.0.1:0")!, reusePort: false)
    defer { Posix.close(listener) }
    XCTAssertTrue(Socket.accept(listener).isWouldBlock)
  }
}

extension AcceptResult {
  var isWouldBlock: Bool {
    if case .wouldBlock = self { return true }
    return false
  }
}
