import Foundation
import Glibc
import Synchronization

/// A JWKS endpoint in the test process on 127.0.0.1 (plain HTTP; Gatehouse allows it for
/// loopback): answers every GET with the current body (`Connection: close`), counts the
/// requests, and can be switched to failing (503) or stopped (connection refused) mid-test.
/// Thread-safe (`Mutex`); one thread per connection.
final class JWKSServer: Sendable {
  let port: UInt16
  private let listenFD: Int32

  private struct State {
    var body: [UInt8]
    var cacheControl: String?
    var failing = false
    var requests = 0
    var stopped = false
  }
  private let state: Mutex<State>

  init(body: [UInt8], cacheControl: String? = nil) throws {
    state = Mutex(State(body: body, cacheControl: cacheControl))
    listenFD = try LoopbackSocket.listen(port: 0)
    port = try LoopbackSocket.localPort(listenFD)
    Thread.detachNewThread { [self] in acceptLoop() }
  }

  deinit { stop() }

  var url: String { "http://127.0.0.1:\(port)/.well-known/jwks.json" }
  var requestCount: Int { state.withLock { $0.requests } }

  /// Serves `body` from the next request on (a key rotation).
  func serve(_ body: [UInt8]) { state.withLock { $0.body = body } }

  /// While true, every request gets a 503.
  func setFailing(_ failing: Bool) { state.withLock { $0.failing = failing } }

  /// Stops listening: later fetches see "connection refused". Idempotent.
  func stop() {
    state.withLock {
      if $0.stopped { return }
      $0.stopped = true
      _ = shutdown(listenFD, Int32(SHUT_RDWR))
    }
  }

  private func acceptLoop() {
    while true {
      let fd = accept(listenFD, nil, nil)
      if fd < 0 {
        if errno == EINTR || errno == ECONNABORTED { continue }
        break
      }
      if state.withLock({ $0.stopped }) {
        _ = Glibc.close(fd)
        break
      }
      LoopbackSocket.setSendTimeout(fd, seconds: 5)
      Thread.detachNewThread { [self] in
        answer(fd)
        _ = Glibc.close(fd)
      }
    }
    _ = Glibc.close(listenFD)
  }

  private func answer(_ fd: Int32) {
    let reader = SocketReader(fd: fd)
    let deadline = Date().addingTimeInterval(5)
    guard (try? HTTPMessageReader.readHead(reader, deadline: deadline, what: "a JWKS request")) != nil else {
      return
    }
    let (body, cacheControl, failing) = state.withLock { state in
      state.requests += 1
      return (state.body, state.cacheControl, state.failing)
    }
    var head: String
    var payload = body
    if failing {
      payload = Array("unavailable\n".utf8)
      head = "HTTP/1.1 503 Service Unavailable\r\n"
    } else {
      head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
      if let cacheControl { head += "Cache-Control: \(cacheControl)\r\n" }
    }
    head += "Content-Length: \(payload.count)\r\nConnection: close\r\n\r\n"
    try? LoopbackSocket.sendAll(fd, Array(head.utf8) + payload)
  }
}
