/// The elliptic curves Gatehouse signs and verifies with (RFC 7518 §6.2.1.1 names). Each curve
/// goes with exactly one JWS algorithm and digest (RFC 7518 §3.4): P-256 with SHA-256 (ES256),
/// P-384 with SHA-384 (ES384).
public enum ECCurve: String, Sendable, CaseIterable {
  case p256 = "P-256"
  case p384 = "P-384"

  /// Bytes of one coordinate and of one signature half (`r` or `s`): the JOSE signature is
  /// `2 * coordinateBytes` long (64 for P-256, 96 for P-384).
  public var coordinateBytes: Int {
    switch self {
    case .p256: 32
    case .p384: 48
    }
  }

  /// The OpenSSL group name (`OSSL_PKEY_PARAM_GROUP_NAME` values), as an immortal C string
  /// (`OSSL_PARAM_BLD` keeps the pointer until the parameters are built).
  var groupName: StaticString {
    switch self {
    case .p256: "prime256v1"
    case .p384: "secp384r1"
    }
  }

  var digest: OpaquePointer {
    switch self {
    case .p256: Algorithms.shared.sha256
    case .p384: Algorithms.shared.sha384
    }
  }

  /// The curve whose OpenSSL group name is `name` (both the SEC and the NIST spelling).
  init?(openSSLGroupName name: String) {
    switch name {
    case "prime256v1", "P-256", "secp256r1": self = .p256
    case "secp384r1", "P-384": self = .p384
    default: return nil
    }
  }
}
