public import Glibc
public import Net

/// The kernel's view of a `SocketAddress`: `sockaddr_in`/`sockaddr_in6` in and out. These C types
/// stay inside EventLoop (the parsing and printing are pure, in `Net`).
extension SocketAddress {
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
      let ip = IPAddress(bytes16: withUnsafeBytes(of: sin6.sin6_addr) { Array($0) })
      self.init(ip: ip, port: UInt16(bigEndian: sin6.sin6_port))
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
