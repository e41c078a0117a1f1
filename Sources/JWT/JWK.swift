public import Crypto

/// One usable RSA signature key from a JWK Set (RFC 7517 §4, RFC 7518 §6.3). Immutable, Sendable.
///
/// Only keys Gatehouse can use for RS256 become a `JWK`: `kty` RSA; `use` absent or `sig`; `alg`
/// absent or `RS256`; `key_ops`, when present, containing `verify`; modulus of at least 2048 bits;
/// exponent odd and at least 3. Anything else is refused by `init(json:)` with a reason, and the
/// set parser skips it (a single odd key never breaks the whole set). Private members (`d`, `p`,
/// …) are ignored, and `x5c`/`x5u` are never used.
public struct JWK: Sendable {
  public static let minimumModulusBits = 2048

  public let kid: String?
  /// The key's own `alg`, if it names one; a token must then use exactly this algorithm.
  public let alg: String?
  public let publicKey: RSAPublicKey
  /// Decoded `n` and `e` (big-endian, leading zero bytes removed): identify the key material, so a
  /// refresh that returns the same keys can keep the old key set and its verified-token entries.
  public let modulus: [UInt8]
  public let exponent: [UInt8]

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
    guard kty == "RSA" else { throw reject("kty \(kty) is not RSA") }
    if let use = members["use"] {
      guard use.stringValue == "sig" else { throw reject("use is not sig") }
    }
    var alg: String? = nil
    if let value = members["alg"] {
      guard let text = value.stringValue else { throw reject("alg is not a string") }
      guard text == "RS256" else { throw reject("alg \(text) is not RS256") }
      alg = text
    }
    if let ops = members["key_ops"] {
      guard case .array(let list) = ops, list.allSatisfy({ $0.stringValue != nil }) else {
        throw reject("key_ops is not an array of strings")
      }
      guard list.contains(.string("verify")) else { throw reject("key_ops lacks verify") }
    }
    guard let nText = members["n"]?.stringValue, let nBytes = Base64URL.decode(nText) else {
      throw reject("n missing or not base64url")
    }
    guard let eText = members["e"]?.stringValue, let eBytes = Base64URL.decode(eText) else {
      throw reject("e missing or not base64url")
    }
    let modulus = Array(nBytes.drop { $0 == 0 })
    let exponent = Array(eBytes.drop { $0 == 0 })
    guard !exponent.isEmpty, exponent.count <= 8, exponent.last! & 1 == 1,
      exponent.count > 1 || exponent[0] >= 3
    else { throw reject("exponent is not odd and at least 3") }
    let bits = modulus.isEmpty ? 0 : (modulus.count - 1) * 8 + (8 - modulus[0].leadingZeroBitCount)
    guard bits >= JWK.minimumModulusBits else {
      throw reject("modulus has \(bits) bits, under \(JWK.minimumModulusBits)")
    }
    let key: RSAPublicKey
    do {
      key = try RSAPublicKey(modulus: modulus, exponent: exponent)
    } catch {
      throw reject("OpenSSL refused the key: \(error.description)")
    }
    self.kid = kid
    self.alg = alg
    self.publicKey = key
    self.modulus = modulus
    self.exponent = exponent
  }

  /// True when both describe the same key material, `kid` and `alg`.
  public func sameKey(as other: JWK) -> Bool {
    kid == other.kid && alg == other.alg && modulus == other.modulus && exponent == other.exponent
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
