/// A token whose signature and claims passed validation. Immutable, Sendable.
///
/// A class: a grant carries its token, and a repeated token's grant is copied out of its cache
/// entry and into the request context on every request — one reference to retain, where the
/// struct's three strings and dictionary were four, plus ~70 bytes to move with each copy of
/// the outcome (docs/performance.md, "JWT, round 5").
public final class VerifiedToken: Sendable, Equatable {
  public let issuer: String
  /// `sub`, when present (it must be a string if present).
  public let subject: String?
  /// `exp` in whole seconds (rounded down, so a cached entry never outlives it).
  public let expiresAt: Int64
  /// The header's `kid`, if any (for logs).
  public let kid: String?
  /// The payload's claims that the validation's `ClaimSelection` kept: every claim by default,
  /// only the named ones (those present) with `.only`.
  public let claims: [String: JSONValue]

  public init(issuer: String, subject: String?, expiresAt: Int64, kid: String?, claims: [String: JSONValue]) {
    self.issuer = issuer
    self.subject = subject
    self.expiresAt = expiresAt
    self.kid = kid
    self.claims = claims
  }

  public func claim(_ name: String) -> JSONValue? { claims[name] }

  /// The claim if it is a string.
  public func string(_ name: String) -> String? { claims[name]?.stringValue }

  /// The claim if it is an integer (or a double without fraction).
  public func int(_ name: String) -> Int64? { claims[name]?.int64Value }

  public static func == (a: VerifiedToken, b: VerifiedToken) -> Bool {
    a === b
      || (a.issuer == b.issuer && a.subject == b.subject && a.expiresAt == b.expiresAt && a.kid == b.kid
        && a.claims == b.claims)
  }
}
