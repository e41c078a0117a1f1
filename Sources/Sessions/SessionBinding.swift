public import Net

/// What a session is bound to: the client's IP subnet, a hash of its User-Agent and a fingerprint
/// of listed headers. Each part is nil when binding was off at creation; a nil part is not checked
/// later. Immutable.
public struct SessionBinding: Sendable, Equatable {
  /// The client's subnet at login (/24 or /64 by default; IPv4-mapped IPv6 already normalised to IPv4
  /// by `IPAddress`).
  public var ipPrefix: CIDR?
  /// SHA-256 of the User-Agent header bytes (the header itself is not kept in the sealed record).
  public var userAgentHash: [UInt8]?
  /// Keyed hashes of the `bind_fingerprint` headers at login.
  public var fingerprint: SessionFingerprint?

  public init(ipPrefix: CIDR? = nil, userAgentHash: [UInt8]? = nil, fingerprint: SessionFingerprint? = nil) {
    self.ipPrefix = ipPrefix
    self.userAgentHash = userAgentHash
    self.fingerprint = fingerprint
  }
}
