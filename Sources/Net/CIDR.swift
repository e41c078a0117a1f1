/// A subnet: an address and a prefix length. A bare address means a single host (/32 or /128).
/// IPv4 subnets match IPv4-mapped IPv6 peers because `IPAddress` normalises them. Immutable.
public struct CIDR: Hashable, Sendable, CustomStringConvertible {
  public let network: IPAddress
  public let prefixLength: Int

  public init?(_ text: String) {
    let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
    guard let address = IPAddress(String(parts[0])) else { return nil }
    let maxLength = address.isIPv4 ? 32 : 128
    var length = maxLength
    if parts.count == 2 {
      guard let value = Int(parts[1]), value >= 0, value <= maxLength,
        parts[1].allSatisfy({ $0.isASCII && $0.isNumber })
      else { return nil }
      length = value
    }
    self.init(address, prefixLength: length)
  }

  /// The subnet of the given length that contains `address` (host bits cleared).
  public init(_ address: IPAddress, prefixLength: Int) {
    self.prefixLength = prefixLength
    self.network = CIDR.mask(address, prefixLength)
  }

  public func contains(_ address: IPAddress) -> Bool {
    switch (network, address) {
    case (.v4, .v4), (.v6, .v6): return CIDR.mask(address, prefixLength) == network
    default: return false
    }
  }

  public var description: String { "\(network)/\(prefixLength)" }

  private static func mask(_ address: IPAddress, _ length: Int) -> IPAddress {
    switch address {
    case .v4(let a):
      let m: UInt32 = length == 0 ? 0 : ~UInt32(0) << UInt32(32 - length)
      return .v4(a & m)
    case .v6(let h, let l):
      let hm: UInt64 = length >= 64 ? ~0 : (length == 0 ? 0 : ~UInt64(0) << UInt64(64 - length))
      let lm: UInt64 = length <= 64 ? 0 : (length == 128 ? ~0 : ~UInt64(0) << UInt64(128 - length))
      return .v6(h & hm, l & lm)
    }
  }
}
