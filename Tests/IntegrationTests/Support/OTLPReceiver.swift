import Foundation
import Glibc
import Synchronization

/// A test OTLP/HTTP collector on 127.0.0.1: reads each POST (Content-Length body), answers 200,
/// and keeps the decoded JSON bodies. Thread-safe (`Mutex`); one thread per connection.
final class OTLPReceiver: Sendable {
  let port: UInt16
  private let listenFD: Int32
  private let raw = Mutex<[[UInt8]]>([])

  /// The POSTed bodies, decoded.
  private var bodies: [[String: Any]] {
    raw.withLock { $0 }.compactMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
  }

  init() throws {
    listenFD = try LoopbackSocket.listen(port: 0)
    port = try LoopbackSocket.localPort(listenFD)
    Thread.detachNewThread { [self] in acceptLoop() }
  }

  deinit { _ = shutdown(listenFD, Int32(SHUT_RDWR)) }

  var endpoint: String { "http://127.0.0.1:\(port)/v1/traces" }

  /// Every span received so far (flattened out of resourceSpans → scopeSpans → spans).
  var spans: [[String: Any]] {
    bodies.flatMap { body -> [[String: Any]] in
      let resources = body["resourceSpans"] as? [[String: Any]] ?? []
      return resources.flatMap { resource -> [[String: Any]] in
        let scopes = resource["scopeSpans"] as? [[String: Any]] ?? []
        return scopes.flatMap { $0["spans"] as? [[String: Any]] ?? [] }
      }
    }
  }

  /// The first body's resource attributes as key → string value.
  var resourceAttributes: [String: String] {
    let resource = (bodies.first?["resourceSpans"] as? [[String: Any]])?.first?["resource"] as? [String: Any]
    var out: [String: String] = [:]
    for attribute in resource?["attributes"] as? [[String: Any]] ?? [] {
      if let key = attribute["key"] as? String,
        let value = (attribute["value"] as? [String: Any])?["stringValue"] as? String
      {
        out[key] = value
      }
    }
    return out
  }

  private func acceptLoop() {
    while true {
      let fd = accept(listenFD, nil, nil)
      if fd < 0 {
        if errno == EINTR || errno == ECONNABORTED { continue }
        break
      }
      LoopbackSocket.setSendTimeout(fd, seconds: 5)
      Thread.detachNewThread { [self] in
        receive(fd)
        _ = Glibc.close(fd)
      }
    }
    _ = Glibc.close(listenFD)
  }

  private func receive(_ fd: Int32) {
    let reader = SocketReader(fd: fd)
    let deadline = Date().addingTimeInterval(5)
    guard let head = try? HTTPMessageReader.readHead(reader, deadline: deadline, what: "an OTLP export"),
      let framing = try? HTTPMessageReader.framing(head.headers, isRequest: true),
      let body = try? HTTPMessageReader.readBody(
        reader, framing: framing, deadline: deadline, what: "an OTLP body")
    else { return }
    if head.startLine.hasPrefix("POST /v1/traces ") { raw.withLock { $0.append(body) } }
    let answer = Array(
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
        .utf8)
    _ = answer.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
  }
}
