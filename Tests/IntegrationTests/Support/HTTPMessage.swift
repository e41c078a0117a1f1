import Foundation

/// One header field as it appeared on the wire (original case, original order). Immutable.
struct HeaderField: Sendable, Equatable, CustomStringConvertible {
  let name: String
  let value: String
  var description: String { "\(name): \(value)" }
}

extension [HeaderField] {
  /// Values of every field named `name` (case-insensitive), in order.
  func values(_ name: String) -> [String] {
    filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
  }

  /// The value of the only or first field named `name`.
  func value(_ name: String) -> String? { values(name).first }

  func contains(_ name: String) -> Bool { !values(name).isEmpty }
}

/// A response as `RawClient` read it: the final response and any 1xx interim responses before it.
/// Immutable.
struct HTTPResponse: CustomStringConvertible {
  let status: Int
  let reason: String
  let headers: [HeaderField]
  let body: [UInt8]
  /// 1xx responses (other than 101) that preceded this one, in order.
  var interim: [HTTPResponse] = []

  var bodyText: String { String(decoding: body, as: UTF8.self) }

  var description: String {
    let shown = body.count > 300 ? String(decoding: body.prefix(300), as: UTF8.self) + "…" : bodyText
    return "HTTP \(status) \(reason) \(headers) body(\(body.count)): \(shown)"
  }
}

/// Reads HTTP/1.1 messages from a `SocketReader`. Shared by the client (responses) and the echo
/// upstream (requests) so both frame bodies the same way. Thread-safe (stateless).
enum HTTPMessageReader {
  static func readHead(
    _ reader: SocketReader, deadline: Date?, what: String
  ) throws -> (startLine: String, headers: [HeaderField]) {
    let start = String(decoding: try reader.readLine(deadline: deadline, what: what), as: UTF8.self)
    var headers: [HeaderField] = []
    while true {
      let line = try reader.readLine(deadline: deadline, what: what)
      if line.isEmpty { break }
      guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
        throw SocketReader.ReadError.malformed("header line without colon in \(what)")
      }
      let name = String(decoding: line[..<colon], as: UTF8.self)
      let value = String(decoding: line[(colon + 1)...], as: UTF8.self)
        .trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
      headers.append(HeaderField(name: name, value: value))
    }
    return (start, headers)
  }

  /// Body framing by RFC 9112 §6.3 (the caller handles the no-body cases first).
  enum Framing {
    case none
    case contentLength(Int)
    case chunked
    case untilClose
  }

  static func framing(_ headers: [HeaderField], isRequest: Bool) throws -> Framing {
    if let te = headers.values("Transfer-Encoding").last {
      if te.lowercased().split(separator: ",").last?.trimmingCharacters(in: .whitespaces) == "chunked" {
        return .chunked
      }
      return isRequest ? .none : .untilClose
    }
    let lengths = headers.values("Content-Length")
    if let first = lengths.first {
      guard let length = Int(first), length >= 0, lengths.allSatisfy({ $0 == first }) else {
        throw SocketReader.ReadError.malformed("Content-Length \(lengths)")
      }
      return .contentLength(length)
    }
    return isRequest ? .none : .untilClose
  }

  static func readBody(
    _ reader: SocketReader, framing: Framing, deadline: Date?, what: String
  ) throws -> [UInt8] {
    switch framing {
    case .none: return []
    case .contentLength(let length): return try reader.readExactly(length, deadline: deadline, what: what)
    case .untilClose: return try reader.readToEnd(deadline: deadline, what: what)
    case .chunked:
      var body: [UInt8] = []
      while true {
        let sizeLine = String(decoding: try reader.readLine(deadline: deadline, what: what), as: UTF8.self)
        let sizeText = sizeLine.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size >= 0 else {
          throw SocketReader.ReadError.malformed("chunk size line \(sizeLine.debugDescription) in \(what)")
        }
        if size == 0 {
          while try !reader.readLine(deadline: deadline, what: what).isEmpty {}  // trailers
          return body
        }
        body += try reader.readExactly(size, deadline: deadline, what: what)
        guard try reader.readLine(deadline: deadline, what: what).isEmpty else {
          throw SocketReader.ReadError.malformed("chunk data not followed by CRLF in \(what)")
        }
      }
    }
  }

  /// Reads one response, collecting 1xx interim responses (101 is final: the protocol switches).
  static func readResponse(
    _ reader: SocketReader, requestMethod: String, deadline: Date?
  ) throws -> HTTPResponse {
    var interim: [HTTPResponse] = []
    while true {
      let head = try readHead(reader, deadline: deadline, what: "a response head")
      let parts = head.startLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
      guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
        throw SocketReader.ReadError.malformed("status line \(head.startLine.debugDescription)")
      }
      let reason = parts.count > 2 ? String(parts[2]) : ""
      if status >= 100 && status < 200 && status != 101 {
        interim.append(HTTPResponse(status: status, reason: reason, headers: head.headers, body: []))
        continue
      }
      let noBody = requestMethod == "HEAD" || status == 101 || status == 204 || status == 304
      let framing = noBody ? .none : try framing(head.headers, isRequest: false)
      let body = try readBody(reader, framing: framing, deadline: deadline, what: "a \(status) response body")
      return HTTPResponse(status: status, reason: reason, headers: head.headers, body: body, interim: interim)
    }
  }
}
