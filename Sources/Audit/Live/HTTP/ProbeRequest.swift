import Codecs

/// A well-formed HTTP/1.1 request a probe sends: `Host` first, then the probe's fields, then
/// `Content-Length` when there is a body. Malformed requests (the smuggling probe's) are written
/// as raw bytes instead. Immutable.
public struct ProbeRequest: Sendable {
  public let method: String
  /// Origin-form: path and query.
  public let target: String
  public var headers: [HTTPHeader]
  public var body: [UInt8]

  public init(_ method: String, _ target: String, headers: [HTTPHeader] = [], body: [UInt8] = []) {
    self.method = method
    self.target = target
    self.headers = headers
    self.body = body
  }

  /// A urlencoded form post.
  public static func form(_ target: String, fields: [(String, String)], headers: [HTTPHeader] = [])
    -> ProbeRequest
  {
    let body = fields.map { PercentEncoding.encode($0.0) + "=" + PercentEncoding.encode($0.1) }.joined(
      separator: "&")
    return ProbeRequest(
      "POST", target, headers: headers + [HTTPHeader("Content-Type", "application/x-www-form-urlencoded")],
      body: Array(body.utf8))
  }

  /// The bytes on the wire for `host` (the authority the target was named by).
  public func encoded(host: String) -> [UInt8] {
    var text = "\(method) \(target) HTTP/1.1\r\nHost: \(host)\r\n"
    for header in headers { text += "\(header.name): \(header.value)\r\n" }
    if !body.isEmpty || method == "POST" || method == "PUT" || method == "PATCH" {
      text += "Content-Length: \(body.count)\r\n"
    }
    text += "\r\n"
    return Array(text.utf8) + body
  }
}
