/// An IP address and a port. Parsing is numeric only: name resolution and the kernel's `sockaddr`
/// forms live in `EventLoop` (`SocketAddress+Resolve.swift`, `SocketAddress+Kernel.swift`).
/// Immutable.
public struct SocketAddress: Hashable, Sendable, CustomStringConvertible {
  public let ip: IPAddress
  public let port: UInt16

  public init(ip: IPAddress, port: UInt16) {
    self.ip = ip
    self.port = port
  }

  /// "127.0.0.1:8080" or "[::1]:8080".
  public static func parse(_ text: String) -> SocketAddress? {
    guard let (host, port) = splitHostPort(text), let ip = IPAddress(host) else { return nil }
    return SocketAddress(ip: ip, port: port)
  }

  /// Splits "host:port" / "[v6]:port" without resolving. The port must be 0...65535.
  public static func splitHostPort(_ text: String) -> (String, UInt16)? {
    var host: Substring
    var portText: Substring
    if text.hasPrefix("[") {
      guard let close = text.firstIndex(of: "]") else { return nil }
      host = text[text.index(after: text.startIndex)..<close]
      let rest = text[text.index(after: close)...]
      guard rest.hasPrefix(":") else { return nil }
      portText = rest.dropFirst()
    } else {
      guard let colon = text.lastIndex(of: ":") else { return nil }
      host = text[..<colon]
      portText = text[text.index(after: colon)...]
      if host.contains(":") { return nil }  // bare IPv6 needs brackets
    }
    guard !host.isEmpty, !portText.isEmpty, portText.count <= 5,
      portText.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(portText), port <= 65535
    else { return nil }
    return (String(host), UInt16(port))
  }

  public var description: String {
    ip.isIPv4 ? "\(ip):\(port)" : "[\(ip)]:\(port)"
  }
}
