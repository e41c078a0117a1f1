/// The public members of a JWK (RFC 7517/7518/8037) that identify a key: `kty` and, by type,
/// `crv`/`x`/`y` (EC), `crv`/`x` (OKP) or `n`/`e` (RSA). Immutable, Sendable.
///
/// Exactly RFC 7638's required members, so `canonicalJSON` is the thumbprint input and
/// `thumbprint` is the `kid` Gatehouse gives its own keys. Every value is a fixed name or
/// base64url, so the JSON needs no escaping.
public struct PublicJWK: Sendable, Equatable {
  /// The members in lexicographic order of their names (RFC 7638 §3.2).
  public let members: [(name: String, value: String)]

  public static func ec(curve: ECCurve, x: [UInt8], y: [UInt8]) -> PublicJWK {
    PublicJWK(members: [
      ("crv", curve.rawValue), ("kty", "EC"), ("x", Base64URL.encode(x)), ("y", Base64URL.encode(y)),
    ])
  }

  public static func ed25519(x: [UInt8]) -> PublicJWK {
    PublicJWK(members: [("crv", "Ed25519"), ("kty", "OKP"), ("x", Base64URL.encode(x))])
  }

  /// `modulus` and `exponent` big-endian without leading zero bytes (RFC 7518 §6.3.1).
  public static func rsa(modulus: [UInt8], exponent: [UInt8]) -> PublicJWK {
    PublicJWK(members: [
      ("e", Base64URL.encode(exponent)), ("kty", "RSA"), ("n", Base64URL.encode(modulus)),
    ])
  }

  /// The value of member `name`, if the key has it.
  public subscript(name: String) -> String? { members.first { $0.name == name }?.value }

  /// `{"crv":"P-256","kty":"EC","x":"…","y":"…"}`: no whitespace, sorted names (RFC 7638 §3).
  public var canonicalJSON: String { "{" + memberList + "}" }

  /// The members as `"name":"value"` pairs joined by commas, without braces, so a caller can
  /// append `alg`, `use` and `kid` to build a published JWK.
  public var memberList: String {
    members.map { "\"\($0.name)\":\"\($0.value)\"" }.joined(separator: ",")
  }

  /// The RFC 7638 thumbprint: base64url(SHA-256(canonicalJSON)), 43 characters.
  public var thumbprint: String { Base64URL.encode(SHA256.hash(Array(canonicalJSON.utf8))) }

  public static func == (a: PublicJWK, b: PublicJWK) -> Bool {
    a.members.count == b.members.count && zip(a.members, b.members).allSatisfy { $0 == $1 }
  }
}
