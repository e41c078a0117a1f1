import EventLoop
import HTTP1

/// How the response body travels to the client.
enum ClientBodyFraming: Equatable {
  /// No body (HEAD, 1xx, 204, 304).
  case none
  case contentLength(Int64)
  /// Re-chunked: the upstream sent chunked, or close-delimited to an HTTP/1.1 client.
  case chunked
  /// Raw until close: an HTTP/1.0 client; the connection closes after the body.
  case untilClose
}

/// The `responseFilter` phase: writes the response head the client receives. Hop-by-hop fields go,
/// framing is re-stated, Gatehouse's own control headers (`Gatehouse-*`) never reach the client,
/// and the request id is echoed.
enum ResponseRewriter {
  static func write(
    head: ResponseHead, base: UnsafeRawPointer, framing: ClientBodyFraming, close: Bool, tunnel: Bool,
    keepSizeField: Bool, runtime: RuntimeConfig, context: RequestContext, extraHeaders: [(String, String)],
    into out: ByteBuffer
  ) -> Bool {
    var ok = out.append("HTTP/1.1 ")
    ok = ok && out.appendDecimal(head.status) && out.append(byte: 0x20)
    if head.reasonLength > 0 {
      ok = ok && out.append(UnsafeRawBufferPointer(start: base + head.reasonStart, count: head.reasonLength))
    }
    ok = ok && out.append("\r\n")
    for field in head.fields {
      if !field.flags.isDisjoint(with: [.hopByHop, .nominatedByConnection]) { continue }
      if field.flags.contains(.contentLength) && !keepSizeField { continue }
      let name = UnsafeRawBufferPointer(start: base + Int(field.nameStart), count: Int(field.nameLength))
      if runtime.controlHeaderMatcher.matches(name) { continue }
      if runtime.requestIDMatcher.matches(name) { continue }
      ok = ok && out.append(name) && out.append(": ")
      ok =
        ok
        && out.append(
          UnsafeRawBufferPointer(start: base + Int(field.valueStart), count: Int(field.valueLength)))
      ok = ok && out.append("\r\n")
    }
    switch framing {
    case .contentLength(let length):
      ok = ok && out.append("content-length: ") && out.appendDecimal(Int(length)) && out.append("\r\n")
    case .chunked:
      ok = ok && out.append("transfer-encoding: chunked\r\n")
    case .none, .untilClose:
      break
    }
    if head.status >= 200 {
      ok = ok && runtime.requestIDHeaderBytes.withUnsafeBytes { out.append($0) }
      ok = ok && out.append(": ") && context.appendRequestID(to: out) && out.append("\r\n")
    }
    if tunnel {
      ok = ok && HeadWriter.appendUpgrade(head.fields, base: base, into: out)
    } else if close && head.status >= 200 {
      ok = ok && out.append("connection: close\r\n")
    }
    for (name, value) in extraHeaders {
      ok =
        ok && out.append(string: name) && out.append(": ") && out.append(string: value) && out.append("\r\n")
    }
    return ok && out.append("\r\n")
  }
}

/// Responses Gatehouse answers itself: a small JSON body naming the error and the request id.
enum LocalResponse {
  static func write(
    status: Int, code: String, message: String, close: Bool, context: RequestContext, runtime: RuntimeConfig,
    extraHeaders: [(String, String)] = [], headOnly: Bool = false, into out: ByteBuffer
  ) -> Bool {
    let body =
      "{\"error\":\"\(code)\",\"status\":\(status),\"message\":\"\(message)\",\"request_id\":\"\(context.requestIDString)\"}\n"
    var ok = out.append("HTTP/1.1 ") && out.appendDecimal(status) && out.append(byte: 0x20)
    ok = ok && out.append(StatusText.reason(status)) && out.append("\r\n")
    ok = ok && out.append("content-type: application/json\r\ncache-control: no-store\r\n")
    ok = ok && out.append("content-length: ") && out.appendDecimal(body.utf8.count) && out.append("\r\n")
    ok = ok && runtime.requestIDHeaderBytes.withUnsafeBytes { out.append($0) }
    ok = ok && out.append(": ") && context.appendRequestID(to: out) && out.append("\r\n")
    for (name, value) in extraHeaders {
      ok =
        ok && out.append(string: name) && out.append(": ") && out.append(string: value) && out.append("\r\n")
    }
    if close { ok = ok && out.append("connection: close\r\n") }
    ok = ok && out.append("\r\n")
    if !headOnly { ok = ok && out.append(string: body) }
    return ok
  }
}
