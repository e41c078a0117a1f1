public import Crypto

/// Signs JWSs with one private key: the algorithm follows from the key (EC P-256 → ES256,
/// EC P-384 → ES384, Ed25519 → EdDSA, RSA → RS256) and the `kid` is the key's RFC 7638
/// thumbprint, so every replica given the same key publishes the same `kid`. Immutable and
/// thread-safe. Usage: docs/jwt.md, "Signing".
public final class JWSSigner: Sendable {
  public let algorithm: JWSAlgorithm
  /// The RFC 7638 thumbprint of the public key (base64url, 43 characters).
  public let kid: String
  /// The public key as a JWK JSON object text, for a JWK Set:
  /// `{"crv":"P-256","kty":"EC","x":"…","y":"…","alg":"ES256","use":"sig","kid":"…"}`.
  /// Public members only (never `d`).
  public let publicJWK: String
  public let key: PrivateKey
  /// `BASE64URL({"alg":"…","kid":"…","typ":"JWT"})` followed by `.`: the start of every token.
  let encodedHeaderAndDot: [UInt8]

  public init(key: PrivateKey) {
    let algorithm: JWSAlgorithm
    switch key.type {
    case .ec(.p256): algorithm = .es256
    case .ec(.p384): algorithm = .es384
    case .ed25519: algorithm = .edDSA
    case .rsa: algorithm = .rs256
    }
    let kid = key.publicJWK.thumbprint
    self.algorithm = algorithm
    self.kid = kid
    self.key = key
    self.publicJWK =
      "{" + key.publicJWK.memberList
      + ",\"alg\":\"\(algorithm.rawValue)\",\"use\":\"sig\",\"kid\":\"\(kid)\"}"
    let header = "{\"alg\":\"\(algorithm.rawValue)\",\"kid\":\"\(kid)\",\"typ\":\"JWT\"}"
    self.encodedHeaderAndDot = Array(Base64URL.encode(Array(header.utf8)).utf8) + [UInt8(ascii: ".")]
  }

  /// A signer for the first private key in `pem` (EC P-256/P-384, Ed25519, RSA ≥ 2048 bits).
  public convenience init(pem: [UInt8]) throws(CryptoError) {
    self.init(key: try PrivateKey(pem: pem))
  }

  /// A signer with a freshly generated key: ES256 (EC P-256) or EdDSA (Ed25519). Other
  /// algorithms need a configured key (generating RSA keys is slow and pointless here).
  public static func generate(_ algorithm: JWSAlgorithm) throws(CryptoError) -> JWSSigner {
    switch algorithm {
    case .es256: return JWSSigner(key: try PrivateKey.generate(.ecP256))
    case .edDSA: return JWSSigner(key: try PrivateKey.generate(.ed25519))
    default:
      throw CryptoError(call: "cannot generate a key for \(algorithm.rawValue)", openSSLErrors: [])
    }
  }

  /// The JWS signature (JOSE encoding: ES256 `r || s` of 64 bytes, ES384 96 bytes, EdDSA 64
  /// bytes, RS256 the modulus length) over `signingInput`
  /// (`BASE64URL(header) '.' BASE64URL(payload)`). Throws only on an OpenSSL failure.
  public func sign(signingInput: [UInt8]) throws(CryptoError) -> [UInt8] {
    try key.sign(signingInput)
  }

  /// `{"keys":[…]}` with the public JWK of every signer, in order (for `/.well-known/jwks.json`).
  public static func keySetJSON(_ signers: [JWSSigner]) -> String {
    "{\"keys\":[" + signers.map(\.publicJWK).joined(separator: ",") + "]}"
  }
}
