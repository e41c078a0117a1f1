/// `--target` or `--admin`: where a deployment listens, parsed from `http://host:port` or
/// `https://host:port` (a trailing `/` is allowed, nothing else after the authority). Immutable.
public struct ProbeTarget: Sendable, Equatable, CustomStringConvertible {
  public let isTLS: Bool
  /// Host name or IP literal (IPv6 without brackets).
  public let host: String
  public let port: UInt16

  public init(isTLS: Bool, host: String, port: UInt16) {
    self.isTLS = isTLS
    self.host = host
    self.port = port
  }

  public static func parse(_ text: String) throws(AuditError) -> ProbeTarget {
    let lowered = text.lowercased()
    let isTLS: Bool
    var rest: Substring
    if lowered.hasPrefix("http://") {
      isTLS = false
      rest = text.dropFirst(7)
    } else if lowered.hasPrefix("https://") {
      isTLS = true
      rest = text.dropFirst(8)
    } else {
      throw AuditError(.usage, "\(text) is not an http:// or https:// URL")
    }
    if rest.hasSuffix("/") { rest = rest.dropLast() }
    guard !rest.isEmpty, !rest.contains("/"), !rest.contains("@"), !rest.contains("?"), !rest.contains("#")
    else {
      throw AuditError(.usage, "\(text): give only scheme://host[:port]")
    }
    var host = rest
    var port: UInt16 = isTLS ? 443 : 80
    if rest.hasPrefix("[") {
      guard let close = rest.firstIndex(of: "]") else { throw AuditError(.usage, "\(text): unclosed [") }
      host = rest[rest.index(after: rest.startIndex)..<close]
      let after = rest[rest.index(after: close)...]
      if !after.isEmpty {
        guard after.hasPrefix(":"), let parsed = UInt16(after.dropFirst()), parsed > 0 else {
          throw AuditError(.usage, "\(text): bad port")
        }
        port = parsed
      }
    } else if let colon = rest.lastIndex(of: ":") {
      host = rest[..<colon]
      guard let parsed = UInt16(rest[rest.index(after: colon)...]), parsed > 0 else {
        throw AuditError(.usage, "\(text): bad port")
      }
      port = parsed
    }
    guard !host.isEmpty else { throw AuditError(.usage, "\(text): no host") }
    return ProbeTarget(isTLS: isTLS, host: String(host), port: port)
  }

  /// The `Host` field for requests: the authority as written (default ports left out).
  public var authority: String {
    let name = host.contains(":") ? "[\(host)]" : host
    return port == (isTLS ? 443 : 80) ? name : "\(name):\(port)"
  }

  /// `scheme://authority`, which is also what a same-origin `Origin` field says.
  public var description: String { (isTLS ? "https://" : "http://") + authority }
}
