import Crypto

/// The key-type-specific members of a JWK, checked and turned into an OpenSSL key.
extension JWK {
  typealias Reject = (String) -> JWKRejection

  /// RFC 7518 §6.3.1: `n` and `e`. Leading zero bytes are tolerated (some issuers add one) and
  /// removed; the modulus must have at least 2048 bits, the exponent be odd and at least 3.
  static func rsa(_ members: [String: JSONValue], _ reject: Reject) throws(JWKRejection)
    -> (material: Material, publicJWK: PublicJWK)
  {
    let nBytes = try bytes(members, "n", reject)
    let eBytes = try bytes(members, "e", reject)
    let modulus = Array(nBytes.drop { $0 == 0 })
    let exponent = Array(eBytes.drop { $0 == 0 })
    guard !exponent.isEmpty, exponent.count <= 8, exponent.last! & 1 == 1,
      exponent.count > 1 || exponent[0] >= 3
    else { throw reject("exponent is not odd and at least 3") }
    let bits = modulus.isEmpty ? 0 : (modulus.count - 1) * 8 + (8 - modulus[0].leadingZeroBitCount)
    guard bits >= JWK.minimumModulusBits else {
      throw reject("modulus has \(bits) bits, under \(JWK.minimumModulusBits)")
    }
    do {
      let key = try RSAPublicKey(modulus: modulus, exponent: exponent)
      return (.rsa(key), .rsa(modulus: modulus, exponent: exponent))
    } catch {
      throw reject("OpenSSL refused the key: \(error.description)")
    }
  }

  /// RFC 7518 §6.2.1: `crv`, and `x`/`y` each exactly the coordinate size ("MUST be the full
  /// size", so no zero-stripping and no padding); the point must be on the curve.
  static func ec(_ members: [String: JSONValue], _ reject: Reject) throws(JWKRejection)
    -> (material: Material, publicJWK: PublicJWK)
  {
    guard let crvText = members["crv"]?.stringValue else { throw reject("crv missing") }
    guard let curve = ECCurve(rawValue: crvText) else { throw reject("crv \(crvText) is not P-256 or P-384") }
    let x = try bytes(members, "x", reject)
    let y = try bytes(members, "y", reject)
    guard x.count == curve.coordinateBytes, y.count == curve.coordinateBytes else {
      throw reject("\(curve.rawValue) x and y must be \(curve.coordinateBytes) bytes each")
    }
    do {
      return (.ec(try ECPublicKey(curve: curve, x: x, y: y)), .ec(curve: curve, x: x, y: y))
    } catch {
      throw reject("not a point on \(curve.rawValue): \(error.description)")
    }
  }

  /// RFC 8037 §2: `crv` Ed25519 (Ed448 and the X* key-agreement curves are not signature keys
  /// Gatehouse supports) and `x`, the 32-byte public key.
  static func okp(_ members: [String: JSONValue], _ reject: Reject) throws(JWKRejection)
    -> (material: Material, publicJWK: PublicJWK)
  {
    guard let crv = members["crv"]?.stringValue else { throw reject("crv missing") }
    guard crv == "Ed25519" else { throw reject("crv \(crv) is not Ed25519") }
    let x = try bytes(members, "x", reject)
    guard x.count == Ed25519PublicKey.keyBytes else { throw reject("Ed25519 x must be 32 bytes") }
    do {
      return (.ed25519(try Ed25519PublicKey(x: x)), .ed25519(x: x))
    } catch {
      throw reject("OpenSSL refused the key: \(error.description)")
    }
  }

  private static func bytes(_ members: [String: JSONValue], _ name: String, _ reject: Reject)
    throws(JWKRejection) -> [UInt8]
  {
    guard let text = members[name]?.stringValue, let decoded = Base64URL.decode(text) else {
      throw reject("\(name) missing or not base64url")
    }
    return decoded
  }
}
