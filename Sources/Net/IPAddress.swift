// Only the pure, reentrant text conversions `inet_pton`/`inet_ntop` (no I/O, no global state):
// they are the reference parser and printer (RFC 5952 output) that every other tool agrees with.
import Glibc

/// An IPv4 or IPv6 address. IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`) are normalised to IPv4
/// at construction, so subnet checks and logs see one form. Immutable.
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
  case v4(UInt32)  // host byte order
  case v6(UInt64, UInt64)  // high, low; host byte order

  /// Parses a numeric address ("10.1.2.3", "::1", "::ffff:10.1.2.3"). Names are not resolved.
  public init?(_ text: String) {
    var v4 = in_addr()
    if inet_pton(AF_INET, text, &v4) == 1 {
      self = .v4(UInt32(bigEndian: v4.s_addr))
      return
    }
    var v6 = in6_addr()
    if inet_pton(AF_INET6, text, &v6) == 1 {
      self.init(bytes16: withUnsafeBytes(of: v6) { Array($0) })
      return
    }
    return nil
  }

  /// Builds an address from 16 network-order bytes, normalising IPv4-mapped addresses.
  public init(bytes16 b: [UInt8]) {
    var high: UInt64 = 0
    var low: UInt64 = 0
    for i in 0..<8 { high = high << 8 | UInt64(b[i]) }
    for i in 8..<16 { low = low << 8 | UInt64(b[i]) }
    if high == 0 && low >> 32 == 0xFFFF {
      self = .v4(UInt32(truncatingIfNeeded: low))
    } else {
      self = .v6(high, low)
    }
  }

  public var isIPv4: Bool {
    if case .v4 = self { return true }
    return false
  }

  public var isLoopback: Bool {
    switch self {
    case .v4(let a): return a >> 24 == 127
    case .v6(let h, let l): return h == 0 && l == 1
    }
  }

  public var description: String {
    switch self {
    case .v4(let a):
      var addr = in_addr(s_addr: a.bigEndian)
      return Self.format(AF_INET, &addr, Int(INET_ADDRSTRLEN))
    case .v6(let h, let l):
      var addr = in6_addr()
      withUnsafeMutableBytes(of: &addr) { raw in
        for i in 0..<8 { raw[i] = UInt8(truncatingIfNeeded: h >> (56 - 8 * UInt64(i))) }
        for i in 0..<8 { raw[8 + i] = UInt8(truncatingIfNeeded: l >> (56 - 8 * UInt64(i))) }
      }
      return Self.format(AF_INET6, &addr, Int(INET6_ADDRSTRLEN))
    }
  }

  private static func format(_ family: Int32, _ addr: UnsafeRawPointer, _ size: Int) -> String {
    var buffer = [CChar](repeating: 0, count: size + 1)
    guard inet_ntop(family, addr, &buffer, socklen_t(size)) != nil else { return "?" }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
