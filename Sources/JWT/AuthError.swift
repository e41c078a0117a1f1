/// Why a bearer token was refused. Immutable, Sendable.
///
/// `kind` drives the HTTP status (through `Kind.isForbidden`), the metrics label and the security
/// log; `detail` is a short human explanation for logs and `error_description`. `detail` never
/// contains the token or any part of it (claim values from a refused token are not echoed either,
/// except the header `alg`/`kid`, which are short and useful to operators).
public struct AuthError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The closed set of failure kinds; the first failure found is the one reported.
  public enum Kind: String, Sendable, CaseIterable {
    /// Not a compact JWS, bad base64url, bad JSON, a claim of the wrong type, or no `kid` when
    /// the key set has several keys.
    case malformed
    /// Longer than the issuer's `maxTokenBytes`; checked before anything else is looked at.
    case tokenTooLarge
    /// `alg` not among the issuer's algorithms (`none`, `HS*`, `RS512`, …), or not the JWK's own `alg`.
    case unsupportedAlgorithm
    /// The header has a `crit` parameter; Gatehouse understands no extensions, so it refuses them all.
    case unsupportedCritical
    /// The `kid` is not in the current key set (the caller may trigger a rate-limited refetch).
    case unknownKid
    /// The signature does not verify, or has the wrong length for the key.
    case badSignature
    case issuerMismatch
    /// No configured audience matches (also: an empty `aud` array). Valid token, wrong target → 403.
    case audienceMismatch
    case expired
    /// `nbf` is in the future, or `iat` is in the future (beyond the leeway in both cases).
    case notYetValid
    /// `exp`, `iss`, `aud` or a configured required claim is absent.
    case missingClaim
    /// A configured required claim has another value, or the user claim cannot be an identity
    /// header (a `,` or surrounding whitespace). Valid token, not allowed → 403.
    case claimMismatch
    /// The issuer's key set has no usable key (never fetched, or every key was skipped).
    case noKeys
    /// The token is tied to a Gatehouse session (`session_claim`) that is not alive: logged out,
    /// revoked, evicted, expired, rotated away, or never one of this user's.
    case sessionEnded

    /// True when the token is genuine but not allowed here (403); false for bad or missing
    /// credentials (401).
    public var isForbidden: Bool { self == .audienceMismatch || self == .claimMismatch }
  }

  public let kind: Kind
  public let detail: String

  public init(_ kind: Kind, _ detail: String) {
    self.kind = kind
    self.detail = detail
  }

  public var description: String { "\(kind.rawValue): \(detail)" }
}
