/// One admin answer, before serialisation. Immutable.
struct AdminResponse: Equatable, Sendable {
  let status: Int
  let contentType: String
  let body: [UInt8]
  var extraHeaders: [(String, String)] = []

  static func == (a: AdminResponse, b: AdminResponse) -> Bool {
    a.status == b.status && a.contentType == b.contentType && a.body == b.body
      && a.extraHeaders.elementsEqual(b.extraHeaders) { $0 == $1 }
  }

  static let plain = "text/plain; charset=utf-8"
  static let json = "application/json"
  static let prometheus = "text/plain; version=0.0.4; charset=utf-8"

  static func text(_ status: Int, _ body: String, extraHeaders: [(String, String)] = []) -> AdminResponse {
    AdminResponse(
      status: status, contentType: plain, body: Array((body + "\n").utf8), extraHeaders: extraHeaders)
  }

  static func json(_ status: Int, _ body: String) -> AdminResponse {
    AdminResponse(status: status, contentType: json, body: Array((body + "\n").utf8))
  }

  /// The bytes on the wire. `headOnly` (HEAD) keeps Content-Length but drops the body.
  func serialized(keepAlive: Bool, headOnly: Bool) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(body.count + 200)
    out += Array("HTTP/1.1 \(status) \(StatusText.reason(status))\r\n".utf8)
    out += Array("Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n".utf8)
    out += Array("Cache-Control: no-store\r\n".utf8)
    for (name, value) in extraHeaders { out += Array("\(name): \(value)\r\n".utf8) }
    if !keepAlive { out += Array("Connection: close\r\n".utf8) }
    out += [0x0D, 0x0A]
    if !headOnly { out += body }
    return out
  }
}
