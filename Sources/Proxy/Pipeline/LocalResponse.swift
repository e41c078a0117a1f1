import EventLoop

/// Responses Gatehouse answers itself (`failToProxy`): a small JSON body naming the error and the
/// request id. The status and the text come from `ErrorResponder`. Loop-thread only.
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
