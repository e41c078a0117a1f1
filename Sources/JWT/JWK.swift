public import Crypto

/// One usable signature key from a JWK Set (RFC 7517 §4, RFC 7518 §6, RFC 8037 §2). Immutable,
/// Sendable.
///
/// Only keys Gatehouse can verify with become a `JWK`: `kty` RSA (modulus ≥ 2048 bits, exponent
/// odd and ≥ 3), EC (`crv` P-256 or P-384, `x`/`y` exactly the coordinate size, a point on the
/// curve) or OKP (`crv` Ed25519, `x` 32 bytes); `use` absent or `sig`; `alg` absent or an
/// algorithm of `JWSAlgorithm` that fits the key type; `key_ops`, when present, containing
/// `verify`. Anything else is refused by `init(json:)` with a reason, and the set parser skips it
/// (a single odd key never breaks the whole set). Private members (`d`, `p`, …) are ignored, and
/// `x5c`/`x5u` are never used. Which algorithms a key verifies: `verifies(_:)`, docs/jwt.md.
public struct JWK: Sendable {
  public static let minimumModulusBits = 2048

  /// The verification key, by type. Each is built once when the set is loaded and shared.
  public enum Material: Sendable {
    case rsa(RSAPublicKey)
    case ec(ECPublicKey)
    case ed25519(Ed25519PublicKey)
  }

  public let kid: String?
  /// The key's own `alg`, if it names one; a token must then use exactly this algorithm.
  public let alg: JWSAlgorithm?
  public let material: Material
  /// The key's public members (`kty`, `crv`, `x`, `y`, `n`, `e`, canonical): identify the key
  /// material, so a refresh that returns the same keys can keep the old key set and its
  /// verified-token entries.
  public let publicJWK: PublicJWK

  /// Builds a usable key from one member of a set's `keys` array; the error string says why not.
  public init(json: JSONValue) throws(JWKRejection) {
    guard case .object(let members) = json else { throw JWKRejection("not a JSON object") }
    var kid: String? = nil
    if let value = members["kid"] {
      guard let text = value.stringValue else { throw JWKRejection("kid is not a string") }
      kid = text
    }
    func reject(_ reason: String) -> JWKRejection { JWKRejection(reason, kid: kid) }
    guard let kty = members["kty"]?.stringValue else { throw reject("kty missing") }
    if let use = members["use"] {
      guard use.stringValue == "sig" else { throw reject("use is not sig") }
    }
    var alg: JWSAlgorithm? = nil
    if let value = members["alg"] {
      guard let text = value.stringValue else { throw reject("alg is not a string") }
      guard let known = JWSAlgorithm(rawValue: text) else { throw reject("alg \(text) is not supported") }
      alg = known
    }
    if let ops = members["key_ops"] {
      guard case .array(let list) = ops, list.allSatisfy({ $0.stringValue != nil }) else {
        throw reject("key_ops is not an array of strings")
      }
      guard list.contains(.string("verify")) else { throw reject("key_ops lacks verify") }
    }
    let parsed: (material: Material, publicJWK: PublicJWK)
    switch kty {
    case "RSA": parsed = try JWK.rsa(members, reject)
    case "EC": parsed = try JWK.ec(members, reject)
    case "OKP": parsed = try JWK.okp(members, reject)
    default: throw reject("kty \(kty) is not RSA, EC or OKP")
    }
    if let alg, !JWK.fits(parsed.material, alg) {
      throw reject("alg \(alg.rawValue) does not fit this \(kty) key")
    }
    self.kid = kid
    self.alg = alg
    self.material = parsed.material
    self.publicJWK = parsed.publicJWK
  }

  /// True when a token signed with `algorithm` may be verified with this key: its own `alg`
  /// when it has one, else every algorithm of its type (RSA: RS256 and PS256; EC P-256: ES256;
  /// EC P-384: ES384; Ed25519: EdDSA). An RSA key never verifies ES*, a P-256 key never ES384.
  @inline(__always)
  public func verifies(_ algorithm: JWSAlgorithm) -> Bool {
    if let alg { return alg == algorithm }
    return JWK.fits(material, algorithm)
  }

  static func fits(_ material: Material, _ algorithm: JWSAlgorithm) -> Bool {
    switch material {
    case .rsa: algorithm == .rs256 || algorithm == .ps256
    case .ec(let key): algorithm == (key.curve == .p256 ? .es256 : .es384)
    case .ed25519: algorithm == .edDSA
    }
  }

  /// True when both describe the same key material, `kid` and `alg`.
  public func sameKey(as other: JWK) -> Bool {
    kid == other.kid && alg == other.alg && publicJWK == other.publicJWK
  }
}

/// Why one JWK was skipped. Immutable.
public struct JWKRejection: Error, Sendable, CustomStringConvertible {
  public let reason: String
  public let kid: String?

  public init(_ reason: String, kid: String? = nil) {
    self.reason = reason
    self.kid = kid
  }

  public var description: String { kid.map { "kid \($0): \(reason)" } ?? reason }
}
