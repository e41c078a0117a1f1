/// The JWS algorithms Gatehouse signs or verifies (RFC 7518 §3.1, RFC 8037 §3.1). Closed: HMAC
/// (`HS*`) and `none` are not here, so they can never be configured nor accepted.
///
/// Each algorithm goes with one key type (docs/jwt.md, "Algorithms and keys"): RS256 and PS256
/// with RSA keys, ES256 with EC P-256, ES384 with EC P-384, EdDSA with OKP Ed25519.
public enum JWSAlgorithm: String, Sendable, CaseIterable, Hashable {
  case rs256 = "RS256"
  case ps256 = "PS256"
  case es256 = "ES256"
  case es384 = "ES384"
  case edDSA = "EdDSA"

  /// The exact JWS signature length for the EC and EdDSA algorithms; nil for RSA (the modulus
  /// length decides).
  public var fixedSignatureBytes: Int? {
    switch self {
    case .rs256, .ps256: nil
    case .es256: 64
    case .es384: 96
    case .edDSA: 64
    }
  }

  /// One bit per algorithm, for allowed-algorithm sets checked per token without hashing.
  var bit: UInt8 {
    switch self {
    case .rs256: 1
    case .ps256: 2
    case .es256: 4
    case .es384: 8
    case .edDSA: 16
    }
  }
}
