import Foundation
import Glibc
import Synchronization

/// An HTTP/1.1 origin server living in the test process, on 127.0.0.1, with one blocking thread per
/// connection. It records every complete request and answers with a JSON echo of it (Content-Length
/// framing, keep-alive honoured). Thread-safe (`Mutex`): tests read `requests` while server threads
/// append.
///
/// Behaviour by path (query ignored):
/// - `/status/NNN` answers NNN (204 and 304 without a body);
/// - `/delay/MS` waits MS milliseconds, then echoes;
/// - `/chunked` echoes with chunked framing, in several chunks;
/// - `/bytes/N` answers N bytes of `EchoUpstream.pattern`;
/// - `/close-mid` sends a head with `Content-Length: 100`, 10 bytes, then closes;
/// - `/continue` (and any request with `Expect: 100-continue`) gets `100 Continue` before its body is read;
/// - `/ws` with `Upgrade: websocket` gets `101 Switching Protocols`, then every byte is echoed back;
/// - `/slow-body/N` streams N bytes in 20 pieces, 20 ms apart;
/// - `…/respond-with` (any prefix) echoes with one extra response header per `h=<percent-encoded Name: value>`
///   query parameter (an app that sets cookies or `Cache-Control`);
/// - session lifecycle (docs/DECISIONS.md §7), each an echo with one extra response header:
///   `/login-as/USER` → `Gatehouse-Login: USER` (plus `Gatehouse-Session-Attributes: <attrs>` when
///   the query has `attrs=<percent-encoded k=v; k2=v2>`, and any `h=` headers as above), `/logout-this` → `Gatehouse-Logout: this`,
///   `/logout-all` → `Gatehouse-Logout: all`, `/elevate` → `Gatehouse-Elevate: 1`.
///
/// Server threads never close an fd that `stop()` might still touch: `stop()` only shuts sockets down,
/// and each thread closes its own fd when it ends, so an fd number is never reused under a live thread.
final class EchoUpstream: Sendable {
  let port: UInt16
  private let listenFD: Int32

  private struct State {
    var requests: [RecordedRequest] = []
    var connectionsAccepted = 0
    var openConnections: Set<Int32> = []
    var stopped = false
  }
  private let state = Mutex(State())

  /// Starts listening on `port` (0 = any free port) and accepting on a background thread.
  init(port: UInt16 = 0) throws {
    listenFD = try LoopbackSocket.listen(port: port)
    self.port = try LoopbackSocket.localPort(listenFD)
    Thread.detachNewThread { [self] in acceptLoop() }
  }

  deinit { stop() }

  var requests: [RecordedRequest] { state.withLock { $0.requests } }
  var connectionsAccepted: Int { state.withLock { $0.connectionsAccepted } }

  /// Forgets recorded requests and the connection count (open connections stay open).
  func reset() {
    state.withLock {
      $0.requests = []
      $0.connectionsAccepted = 0
    }
  }

  /// Stops accepting and shuts every open connection down. Idempotent.
  func stop() {
    state.withLock {
      if $0.stopped { return }
      $0.stopped = true
      _ = shutdown(listenFD, Int32(SHUT_RDWR))
      for fd in $0.openConnections { _ = shutdown(fd, Int32(SHUT_RDWR)) }
    }
  }

  /// Deterministic body bytes for `/bytes/N` and for large request bodies: byte i is i mod 251
  /// (a prime, so a shifted or truncated copy never matches).
  static func pattern(count: Int) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    for i in 0..<count { bytes[i] = UInt8(i % 251) }
    return bytes
  }

  // MARK: - server threads

  private func acceptLoop() {
    while true {
      // Glibc does not export accept4; the window before FD_CLOEXEC only matters if a gatehouse is
      // spawned in that instant, and then it merely holds a copy of a test connection.
      let fd = accept(listenFD, nil, nil)
      if fd < 0 {
        if errno == EINTR || errno == ECONNABORTED { continue }
        break
      }
      _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
      let id: Int? = state.withLock {
        if $0.stopped { return nil }
        $0.connectionsAccepted += 1
        $0.openConnections.insert(fd)
        return $0.connectionsAccepted
      }
      guard let id else {
        _ = Glibc.close(fd)
        break
      }
      LoopbackSocket.setSendTimeout(fd, seconds: 20)
      Thread.detachNewThread { [self] in
        serve(fd: fd, connectionID: id)
        state.withLock { _ = $0.openConnections.remove(fd) }
        _ = Glibc.close(fd)
      }
    }
    _ = Glibc.close(listenFD)
  }

  private func serve(fd: Int32, connectionID: Int) {
    let reader = SocketReader(fd: fd)
    while true {
      do {
        guard try reader.bufferedCount > 0 || reader.fill(deadline: nil, what: "a request") else { return }
        let head = try HTTPMessageReader.readHead(reader, deadline: nil, what: "a request head")
        let parts = head.startLine.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else {
          try respond(fd, status: 400, body: Array("bad request line\n".utf8), keepAlive: false)
          return
        }
        let (method, target, version) = (parts[0], parts[1], parts[2])
        let path = String(target.split(separator: "?", maxSplits: 1).first ?? "")
        if path == "/continue" || head.headers.value("Expect")?.lowercased() == "100-continue" {
          try LoopbackSocket.sendAll(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }
        let framing = try HTTPMessageReader.framing(head.headers, isRequest: true)
        let body = try HTTPMessageReader.readBody(
          reader, framing: framing, deadline: nil, what: "a request body")
        let request = RecordedRequest(
          method: method, target: target, version: version, headers: head.headers, body: body,
          connectionID: connectionID)
        state.withLock { $0.requests.append(request) }
        let connectionTokens = head.headers.values("Connection").joined(separator: ",").lowercased()
        let keepAlive = version == "HTTP/1.1" && !connectionTokens.contains("close")
        if try !answer(fd, reader: reader, request: request, path: path, keepAlive: keepAlive) { return }
        if !keepAlive { return }
      } catch {
        return
      }
    }
  }

  /// Writes the response for `request`; returns false when the connection must end.
  private func answer(
    _ fd: Int32, reader: SocketReader, request: RecordedRequest, path: String, keepAlive: Bool
  ) throws -> Bool {
    let isHead = request.method == "HEAD"
    let segments = path.split(separator: "/").map(String.init)
    let argument = segments.count >= 2 ? Int(segments[1]) : nil
    switch (segments.first ?? "", argument) {
    case ("status", let code?):
      let body = (code == 204 || code == 304) ? nil : echoJSON(request)
      try respond(fd, status: code, body: body, keepAlive: keepAlive, isHead: isHead)
    case ("delay", let milliseconds?):
      Thread.sleep(forTimeInterval: Double(milliseconds) / 1000)
      try respond(fd, status: 200, body: echoJSON(request), keepAlive: keepAlive, isHead: isHead)
    case ("bytes", let count?):
      try respond(
        fd, status: 200, body: EchoUpstream.pattern(count: count), keepAlive: keepAlive, isHead: isHead)
    case ("chunked", _):
      let body = echoJSON(request)
      var out = Array(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n".utf8)
      out += Array((keepAlive ? "" : "Connection: close\r\n").utf8) + [13, 10]
      try LoopbackSocket.sendAll(fd, out)
      if !isHead {
        let pieces = 4
        let size = (body.count + pieces - 1) / pieces
        var offset = 0
        while offset < body.count {
          let end = min(offset + size, body.count)
          try LoopbackSocket.sendAll(
            fd, Array(String(end - offset, radix: 16).utf8) + [13, 10] + body[offset..<end] + [13, 10])
          offset = end
        }
        try LoopbackSocket.sendAll(fd, Array("0\r\n\r\n".utf8))
      }
    case ("close-mid", _):
      try LoopbackSocket.sendAll(fd, Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789".utf8))
      return false
    case ("ws", _) where request.headers.value("Upgrade")?.lowercased() == "websocket":
      try LoopbackSocket.sendAll(
        fd,
        Array("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n".utf8))
      while true {
        let bytes = try reader.readSome(max: 65536, deadline: nil, what: "tunnelled bytes")
        if bytes.isEmpty { return false }
        try LoopbackSocket.sendAll(fd, bytes)
      }
    case ("login-as", _) where segments.count >= 2:
      var headers = [("Gatehouse-Login", segments[1])]
      if let attributes = EchoUpstream.queryValue("attrs", in: request.target) {
        headers.append(("Gatehouse-Session-Attributes", attributes))
      }
      headers += EchoUpstream.extraHeaders(in: request.target)
      try respond(
        fd, status: 200, body: echoJSON(request), keepAlive: keepAlive, isHead: isHead, extra: headers)
    case ("logout-this", _), ("logout-all", _):
      let scope = segments[0] == "logout-this" ? "this" : "all"
      try respond(
        fd, status: 200, body: echoJSON(request), keepAlive: keepAlive, isHead: isHead,
        extra: [("Gatehouse-Logout", scope)])
    case ("elevate", _):
      try respond(
        fd, status: 200, body: echoJSON(request), keepAlive: keepAlive, isHead: isHead,
        extra: [("Gatehouse-Elevate", "1")])
    case _ where segments.last == "respond-with":
      try respond(
        fd, status: 200, body: echoJSON(request), keepAlive: keepAlive, isHead: isHead,
        extra: EchoUpstream.extraHeaders(in: request.target))
    case ("slow-body", let count?):
      try LoopbackSocket.sendAll(fd, Array("HTTP/1.1 200 OK\r\nContent-Length: \(count)\r\n\r\n".utf8))
      if !isHead {
        let body = EchoUpstream.pattern(count: count)
        let pieces = 20
        let size = max(1, (count + pieces - 1) / pieces)
        var offset = 0
        while offset < count {
          Thread.sleep(forTimeInterval: 0.02)
          let end = min(offset + size, count)
          try LoopbackSocket.sendAll(fd, Array(body[offset..<end]))
          offset = end
        }
      }
    default:
      try respond(fd, status: 200, body: echoJSON(request), keepAlive: keepAlive, isHead: isHead)
    }
    return true
  }

  private func respond(
    _ fd: Int32, status: Int, body: [UInt8]?, keepAlive: Bool, isHead: Bool = false,
    extra: [(String, String)] = []
  ) throws {
    var head = "HTTP/1.1 \(status) \(status < 300 ? "OK" : "Status")\r\n"
    for (name, value) in extra { head += "\(name): \(value)\r\n" }
    if let body {
      head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n"
    }
    if !keepAlive { head += "Connection: close\r\n" }
    head += "\r\n"
    try LoopbackSocket.sendAll(fd, Array(head.utf8) + (isHead ? [] : (body ?? [])))
  }

  /// The response headers asked for by `h=<percent-encoded Name: value>` query parameters.
  static func extraHeaders(in target: String) -> [(String, String)] {
    queryValues("h", in: target).compactMap { line -> (String, String)? in
      guard let colon = line.firstIndex(of: ":") else { return nil }
      return (
        String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
      )
    }
  }

  /// The percent-decoded value of `name` in `target`'s query (`+` is not a space here).
  static func queryValue(_ name: String, in target: String) -> String? {
    guard let query = target.split(separator: "?", maxSplits: 1).dropFirst().first else { return nil }
    for pair in query.split(separator: "&") {
      let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      if parts.count == 2, parts[0] == name { return String(parts[1]).removingPercentEncoding }
    }
    return nil
  }

  /// Every percent-decoded value of `name` in `target`'s query, in order.
  static func queryValues(_ name: String, in target: String) -> [String] {
    guard let query = target.split(separator: "?", maxSplits: 1).dropFirst().first else { return [] }
    return query.split(separator: "&").compactMap { pair in
      let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      return parts.count == 2 && parts[0] == name ? String(parts[1]).removingPercentEncoding : nil
    }
  }

  /// The JSON echo of a request: method, target, version, headers as [name, value] pairs, body length,
  /// the body in base64 when at most 64 KiB, and the connection id.
  private func echoJSON(_ request: RecordedRequest) -> [UInt8] {
    var object: [String: Any] = [
      "method": request.method, "target": request.target, "version": request.version,
      "headers": request.headers.map { [$0.name, $0.value] },
      "body_length": request.body.count, "connection_id": request.connectionID,
    ]
    if request.body.count <= 65536 { object["body_base64"] = Data(request.body).base64EncodedString() }
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    return Array(data)
  }
}
