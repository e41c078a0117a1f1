import Foundation
import Glibc

/// A raw TCP client for HTTP/1.1 tests: it sends exactly the bytes it is given (malformed ones
/// included) and parses responses leniently enough to see what a server really sent. Not
/// thread-safe: one test thread. Closes its socket in `close()` or `deinit`.
final class RawClient {
  let port: UInt16
  private var fd: Int32
  private let reader: SocketReader

  /// Connects to 127.0.0.1:`port`.
  init(port: UInt16) throws {
    self.port = port
    fd = try LoopbackSocket.connect(port: port)
    LoopbackSocket.setSendTimeout(fd, seconds: 20)
    reader = SocketReader(fd: fd)
  }

  deinit { close() }

  func close() {
    if fd >= 0 {
      _ = Glibc.close(fd)
      fd = -1
    }
  }

  func send(_ text: String) throws { try send(Array(text.utf8)) }

  func send(_ bytes: [UInt8]) throws { try LoopbackSocket.sendAll(fd, bytes) }

  /// Half-closes the sending side (the server sees end of input).
  func shutdownWrite() { _ = shutdown(fd, Int32(SHUT_WR)) }

  /// Reads the next final response; 1xx interim responses before it are in `interim`.
  /// Pass the request's method so a response to HEAD is read without a body.
  func readResponse(timeout: TimeInterval = 5, requestMethod: String = "GET") throws -> HTTPResponse {
    try HTTPMessageReader.readResponse(
      reader, requestMethod: requestMethod, deadline: Date().addingTimeInterval(timeout))
  }

  /// Reads exactly one response head and expects it to be 1xx (e.g. `100 Continue` before sending a body).
  func readInterimResponse(timeout: TimeInterval = 5) throws -> HTTPResponse {
    let head = try HTTPMessageReader.readHead(
      reader, deadline: Date().addingTimeInterval(timeout), what: "an interim response")
    let parts = head.startLine.split(separator: " ", maxSplits: 2)
    guard parts.count >= 2, let status = Int(parts[1]) else {
      throw SocketReader.ReadError.malformed("status line \(head.startLine.debugDescription)")
    }
    guard status >= 100 && status < 200 else {
      throw HarnessError("expected a 1xx interim response, got \(head.startLine)")
    }
    return HTTPResponse(
      status: status, reason: parts.count > 2 ? String(parts[2]) : "", headers: head.headers, body: [])
  }

  /// Exactly `count` bytes (e.g. tunnelled data after a 101).
  func readExactly(_ count: Int, timeout: TimeInterval = 5) throws -> [UInt8] {
    try reader.readExactly(count, deadline: Date().addingTimeInterval(timeout), what: "\(count) bytes")
  }

  /// Everything the peer sends until it closes; throws if it has not closed within `timeout`.
  func readUntilClose(timeout: TimeInterval = 5) throws -> [UInt8] {
    try reader.readToEnd(deadline: Date().addingTimeInterval(timeout), what: "the peer to close")
  }

  /// Whether the peer closes (end of stream or reset) within `timeout`. Bytes that arrive meanwhile
  /// are discarded.
  func isClosedByPeer(timeout: TimeInterval = 3) -> Bool {
    (try? readUntilClose(timeout: timeout)) != nil
  }

  /// Sends one request built from parts; `Host` is added first unless `host` is nil.
  func sendRequest(
    _ method: String, _ target: String, host: String? = "gatehouse.test",
    headers: [(String, String)] = [], body: [UInt8] = []
  ) throws {
    try send(RawClient.request(method, target, host: host, headers: headers, body: body))
  }

  /// Bytes of one request; a `Content-Length` is added when there is a body and no framing header.
  static func request(
    _ method: String, _ target: String, host: String? = "gatehouse.test",
    headers: [(String, String)] = [], body: [UInt8] = []
  ) -> [UInt8] {
    var head = "\(method) \(target) HTTP/1.1\r\n"
    if let host { head += "Host: \(host)\r\n" }
    for (name, value) in headers { head += "\(name): \(value)\r\n" }
    let framed = headers.contains {
      ["content-length", "transfer-encoding"].contains($0.0.lowercased())
    }
    if !body.isEmpty && !framed { head += "Content-Length: \(body.count)\r\n" }
    head += "\r\n"
    return Array(head.utf8) + body
  }

  /// `body` in chunked transfer coding, cut into `chunkSize` pieces, with the last-chunk.
  static func chunked(_ body: [UInt8], chunkSize: Int) -> [UInt8] {
    var out: [UInt8] = []
    var offset = 0
    while offset < body.count {
      let end = min(offset + chunkSize, body.count)
      out += Array(String(end - offset, radix: 16).utf8) + [13, 10] + body[offset..<end] + [13, 10]
      offset = end
    }
    return out + Array("0\r\n\r\n".utf8)
  }
}
