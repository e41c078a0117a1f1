import EventLoop

/// A response a request phase gives itself that is not an error: a reserved endpoint's JSON
/// (the consent endpoint). Written like `LocalResponse` (request id, `cache-control: no-store` unless the phase says otherwise),
/// with the phase's status, body and headers. Immutable.
struct LocalReply {
  let status: Int
  /// JSON text.
  let body: String
  let headers: [(String, String)]
  /// `Cache-Control` of the reply: a choice is private to its visitor; a public key set is not.
  let cacheControl: String

  init(status: Int, body: String, headers: [(String, String)] = [], cacheControl: String = "no-store") {
    self.status = status
    self.body = body
    self.headers = headers
    self.cacheControl = cacheControl
  }

  func write(close: Bool, context: RequestContext, headOnly: Bool, into out: ByteBuffer) -> Bool {
    var ok = out.append("HTTP/1.1 ") && out.appendDecimal(status) && out.append(byte: 0x20)
    ok = ok && out.append(StatusText.reason(status)) && out.append("\r\n")
    ok =
      ok && out.append("content-type: application/json\r\ncache-control: ")
      && out.append(string: cacheControl)
    ok = ok && out.append("\r\n")
    ok = ok && out.append("content-length: ") && out.appendDecimal(body.utf8.count) && out.append("\r\n")
    ok = ok && context.runtime.requestIDHeaderBytes.withUnsafeBytes { out.append($0) }
    ok = ok && out.append(": ") && context.appendRequestID(to: out) && out.append("\r\n")
    for (name, value) in headers {
      ok =
        ok && out.append(string: name) && out.append(": ") && out.append(string: value) && out.append("\r\n")
    }
    if close { ok = ok && out.append("connection: close\r\n") }
    ok = ok && out.append("\r\n")
    if !headOnly { ok = ok && out.append(string: body) }
    return ok
  }
}
