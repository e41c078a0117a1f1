extension SessionPolicy {
  /// Why a bound session was refused.
  public enum BindingMismatch: String, Sendable, Equatable {
    /// The client IP is outside the subnet stored at login (or of the other address family).
    case ipAddress
    /// The User-Agent differs from the one at login (or is now missing).
    case userAgent
    /// Fewer than `fingerprint_min_similarity` of the fingerprinted headers are unchanged.
    case fingerprint
  }

  /// The verdict on a loaded session for one request.
  public enum Decision: Sendable, Equatable {
    /// Usable. `needsTouch`: refresh the idle deadline in the store (at most once per
    /// `touchInterval`); `needsRotation`: issue a new id (rotation interval passed).
    case valid(needsTouch: Bool, needsRotation: Bool)
    case expiredIdle
    case expiredAbsolute
    case bindingMismatch(BindingMismatch)
  }
}
