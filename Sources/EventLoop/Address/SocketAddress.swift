public import Glibc

/// An IP address and a port. Parsing is numeric only; `resolve(host:port:)` (blocking
/// `getaddrinfo`) is for configuration loading, never for a loop thread. Immutable.
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

  /// Resolves a host name with the system resolver. Blocking: configuration time only.
  public static func resolve(host: String, port: UInt16) -> [SocketAddress] {
    if let ip = IPAddress(host) { return [SocketAddress(ip: ip, port: port)] }
    var hints = addrinfo()
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var result: UnsafeMutablePointer<addrinfo>?
    guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
    defer { freeaddrinfo(first) }
    var out: [SocketAddress] = []
    var node: UnsafeMutablePointer<addrinfo>? = first
    while let n = node {
      if let sa = n.pointee.ai_addr, let ip = IPAddress(sockaddr: sa) {
        let address = SocketAddress(ip: ip, port: port)
        if !out.contains(address) { out.append(address) }
      }
      node = n.pointee.ai_next
    }
    return out
  }

  public var description: String {
    ip.isIPv4 ? "\(ip):\(port)" : "[\(ip)]:\(port)"
  }

  /// Calls `body` with a `sockaddr` for this address. IPv4 addresses use `sockaddr_in`.
  public func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> R) rethrows -> R {
    switch ip {
    case .v4(let a):
      var sin = sockaddr_in()
      sin.sin_family = sa_family_t(AF_INET)
      sin.sin_port = port.bigEndian
      sin.sin_addr = in_addr(s_addr: a.bigEndian)
      return try withUnsafePointer(to: &sin) {
        try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          try body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
      }
    case .v6(let h, let l):
      var sin6 = sockaddr_in6()
      sin6.sin6_family = sa_family_t(AF_INET6)
      sin6.sin6_port = port.bigEndian
      withUnsafeMutableBytes(of: &sin6.sin6_addr) { raw in
        for i in 0..<8 { raw[i] = UInt8(truncatingIfNeeded: h >> (56 - 8 * UInt64(i))) }
        for i in 0..<8 { raw[8 + i] = UInt8(truncatingIfNeeded: l >> (56 - 8 * UInt64(i))) }
      }
      return try withUnsafePointer(to: &sin6) {
        try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          try body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
        }
      }
    }
  }

  /// Reads an address from a kernel `sockaddr` (AF_INET or AF_INET6).
  public init?(sockaddr pointer: UnsafePointer<sockaddr>) {
    switch Int32(pointer.pointee.sa_family) {
    case AF_INET:
      let sin = UnsafeRawPointer(pointer).load(as: sockaddr_in.self)
      self.init(ip: .v4(UInt32(bigEndian: sin.sin_addr.s_addr)), port: UInt16(bigEndian: sin.sin_port))
    case AF_INET6:
      let sin6 = UnsafeRawPointer(pointer).load(as: sockaddr_in6.self)
      self.init(ip: IPAddress(in6: sin6.sin6_addr), port: UInt16(bigEndian: sin6.sin6_port))
    default:
      return nil
    }
  }
}

extension IPAddress {
  init?(sockaddr pointer: UnsafePointer<sockaddr>) {
    guard let address = SocketAddress(sockaddr: pointer) else { return nil }
    self = address.ip
  }
}
