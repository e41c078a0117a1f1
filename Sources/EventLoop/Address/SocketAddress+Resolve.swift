import Glibc
public import Net

/// Host names to addresses with the system resolver (`getaddrinfo`). Blocking: configuration
/// time and helper threads only, never a loop thread. Stateless, thread-safe.
extension SocketAddress {
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
}
