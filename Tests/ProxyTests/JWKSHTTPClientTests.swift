import Config
import Crypto
import EventLoop
import Glibc
import JWT
import Net
import Synchronization
import XCTest

@testable import Proxy

/// `JWKSHTTPClient` against servers on ephemeral loopback ports in this process: a chunked
/// response sent in pieces, and servers that never answer (the fetch must end at its timeout).
final class JWKSHTTPClientTests: XCTestCase {
  private let clock = SystemClock()

  func testChunkedResponseSentInPieces() throws {
    let pieces = [
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nCache-", "Control: max-age=120\r\n\r\n",
      "7\r\n{\"keys\"\r\n", "4;ext=1\r\n:[]}\r\n0\r\n", "Trailer: x\r\n\r\n",
    ]
    let server = try OneShotServer(respond: pieces)
    let result = JWKSHTTPClient.get(
      server.url(tls: false), timeoutMs: 5000, maxBytes: 1024, tls: nil, allowInsecure: false, clock: clock)
    guard case .success(let body, let maxAge) = result else { return XCTFail("\(result)") }
    XCTAssertEqual(String(decoding: body, as: UTF8.self), "{\"keys\":[]}")
    XCTAssertEqual(maxAge, 120)
    server.join()
    XCTAssertTrue(server.request.hasPrefix("GET /jwks HTTP/1.1\r\nHost: 127.0.0.1:"), server.request)
    XCTAssertTrue(server.request.contains("\r\nConnection: close\r\n"), server.request)
  }

  /// A server that accepts (the kernel completes the handshake from the backlog) and never
  /// sends a byte: plain reads and the TLS handshake both end at the fetch timeout. Before
  /// `BlockingSocket` armed its timeouts at connect, the TLS handshake blocked for ever.
  func testSilentServerEndsAtTheTimeout() throws {
    let cases: [(name: String, tls: Bool, reason: String)] = [
      ("plain", false, "timed out"),
      ("TLS handshake", true, "TLS: SSL_connect"),
    ]
    for c in cases {
      let listener = try Socket.makeListener(SocketAddress.parse("127.0.0.1:0")!, reusePort: false)
      defer { Posix.close(listener) }
      let port = try XCTUnwrap(Socket.localAddress(listener)?.port)
      let url = JWKSURL(isTLS: c.tls, host: "127.0.0.1", port: port, target: "/jwks")
      let tls = c.tls ? try TLSClientContext() : nil
      let finished = try Notifier()
      let outcome = Mutex<JWKSCache.FetchResult?>(nil)
      let clock = self.clock
      try SystemThread {
        let result = JWKSHTTPClient.get(
          url, timeoutMs: 100, maxBytes: 1024, tls: tls, allowInsecure: false, clock: clock)
        outcome.withLock { $0 = result }
        finished.notify()
      }.start()
      // Far above the 100 ms timeout: a passing run returns long before; a hang fails here.
      XCTAssertTrue(finished.wait(timeoutNanos: 10_000_000_000), "\(c.name): the fetch returned")
      guard case .failure(let reason)? = outcome.withLock({ $0 }) else {
        return XCTFail("\(c.name): \(String(describing: outcome.withLock { $0 }))")
      }
      XCTAssertTrue(reason.hasPrefix(c.reason), "\(c.name): \(reason)")
    }
  }
}

/// One connection on an ephemeral loopback port: reads the request head, answers with `respond`
/// (one write per piece), closes. Thread-safe (`Mutex`); its own thread.
private final class OneShotServer: Sendable {
  let port: UInt16
  private let listenFD: Int32
  private let received = LockedText()
  private let thread: SystemThread

  init(respond pieces: [String]) throws {
    let fd = try Socket.makeListener(SocketAddress.parse("127.0.0.1:0")!, reusePort: false)
    listenFD = fd
    port = Socket.localAddress(fd)!.port
    let received = self.received
    thread = SystemThread {
      var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      guard poll(&pfd, 1, 10_000) == 1 else { return }
      let client = accept(fd, nil, nil)
      guard client >= 0 else { return }
      defer { close(client) }
      var request: [UInt8] = []
      var buffer = [UInt8](repeating: 0, count: 4096)
      while !request.ends(with: Array("\r\n\r\n".utf8)) {
        var cpfd = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
        guard poll(&cpfd, 1, 10_000) == 1 else { return }
        let count = read(client, &buffer, buffer.count)
        guard count > 0 else { return }
        request += buffer[0..<count]
      }
      received.text.withLock { $0 = String(decoding: request, as: UTF8.self) }
      for piece in pieces {
        let bytes = Array(piece.utf8)
        guard bytes.withUnsafeBytes({ Posix.writeAll(client, $0) }) == 0 else { return }
      }
    }
    try thread.start()
  }

  deinit { close(listenFD) }

  func url(tls: Bool) -> JWKSURL { JWKSURL(isTLS: tls, host: "127.0.0.1", port: port, target: "/jwks") }

  func join() { thread.join() }

  var request: String { received.text.withLock { $0 } }
}

private final class LockedText: Sendable {
  let text = Mutex("")
}

extension Array where Element == UInt8 {
  fileprivate func ends(with suffix: [UInt8]) -> Bool {
    count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
  }
}
