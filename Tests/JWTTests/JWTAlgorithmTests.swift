import Crypto
import FuzzSeedSupport
import JWT
import XCTest

/// ES256, ES384, PS256 and EdDSA verification: RFC vectors, tokens signed by Python's
/// `cryptography` (Fixtures/algs.json) and by our own signer, and every algorithm/key/encoding
/// mismatch refused.
final class JWTAlgorithmTests: XCTestCase {
  static let allAlgorithms = JWSAlgorithm.allCases.map(\.rawValue)

  /// RFC 7515 §A.3: the ES256 example verifies with the example's public JWK. Its claims are not
  /// a valid token here (`aud` is missing), so through the validator the first failure must be
  /// the claim check — proof that the signature passed — and a flipped bit `badSignature`.
  func testRFC7515ES256Vector() throws {
    let jwk = try JWK(
      json: JSONParser.parse(
        #"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#
      ))
    let token =
      "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"
    let parts = token.split(separator: ".")
    let input = Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
    var signature = Base64URL.decode(String(parts[2]))!
    guard case .ec(let key) = jwk.material else { return XCTFail("not an EC key") }
    XCTAssertTrue(key.verify(message: input, signature: signature))

    let settings = try IssuerSettings(issuer: "joe", audiences: ["any"], algorithms: ["ES256"])
    let keys = KeySet(keys: [jwk])
    XCTAssertEqual(kind(token, keys, settings, now: 1_300_819_000), .missingClaim)
    signature[10] ^= 1
    XCTAssertFalse(key.verify(message: input, signature: signature))
    let tampered = parts[0] + "." + parts[1] + "." + Base64URL.encode(signature)
    XCTAssertEqual(kind(String(tampered), keys, settings, now: 1_300_819_000), .badSignature)
  }

  /// RFC 8037 §A.4: the Ed25519 example (its payload is plain text, not claims, so the check is
  /// on the key alone).
  func testRFC8037EdDSAVector() throws {
    let jwk = try JWK(
      json: JSONParser.parse(
        #"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#))
    XCTAssertTrue(jwk.verifies(.edDSA))
    guard case .ed25519(let key) = jwk.material else { return XCTFail("not an Ed25519 key") }
    let input = Array("eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc".utf8)
    var signature = Base64URL.decode(
      "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg")!
    XCTAssertTrue(key.verify(message: input, signature: signature))
    XCTAssertFalse(key.verify(message: input + [0x2E], signature: signature))
    signature[63] ^= 0x10
    XCTAssertFalse(key.verify(message: input, signature: signature))
  }

  /// Every row through `JWTValidator` against the combined key set (k1 alg RS256, k2 RSA, ec1
  /// P-256, es256 alg ES256, es384 P-384, ed alg EdDSA, ps RSA); nil = accepted.
  func testAlgorithmTable() throws {
    let k1 = try JWSSigner(pem: Fixtures.data("k1.pem"))
    let es256 = Fixtures.algToken("es256")
    let es384 = Fixtures.algToken("es384")
    let eddsa = Fixtures.algToken("eddsa")
    let es256Signature = signature(of: es256)
    let es384Signature = signature(of: es384)
    let eddsaSignature = signature(of: eddsa)
    let half = es256Signature.count / 2
    let ourES256 = try JWSSigner.generate(.es256)
    let ourEdDSA = try JWSSigner.generate(.edDSA)
    let keys = KeySet(
      keys: Fixtures.allAlgorithmsKeySet.keys
        + [ourES256, ourEdDSA].map { try! JWK(json: JSONParser.parse($0.publicJWK)) })
    let all = Self.allAlgorithms

    let cases: [(name: String, token: String, algorithms: [String], expected: AuthError.Kind?)] = [
      // Accepted.
      ("ES256 (cryptography)", es256, all, nil),
      ("ES384 (cryptography)", es384, all, nil),
      ("EdDSA (cryptography)", eddsa, all, nil),
      ("PS256 (cryptography)", Fixtures.algToken("ps256"), all, nil),
      ("RS256 with an RSA key without alg", Fixtures.algToken("rs256_by_ps_key"), all, nil),
      ("RS256 fixture token", Fixtures.token("good"), ["RS256"], nil),
      ("ES256 (our signer)", try signed(ourES256), ["ES256"], nil),
      ("EdDSA (our signer)", try signed(ourEdDSA), ["EdDSA"], nil),
      // Not among the issuer's algorithms.
      ("ES256 when only RS256 is configured", es256, ["RS256"], .unsupportedAlgorithm),
      ("EdDSA when only ES256 is configured", eddsa, ["ES256"], .unsupportedAlgorithm),
      ("PS256 when only RS256 is configured", Fixtures.algToken("ps256"), ["RS256"], .unsupportedAlgorithm),
      ("RS256 when only PS256 is configured", Fixtures.token("good"), ["PS256"], .unsupportedAlgorithm),
      // Never accepted: not JWSAlgorithm.
      ("HS256 with an EC kid", withHeader(es256, alg: "HS256", kid: "es256"), all, .unsupportedAlgorithm),
      ("none with an Ed25519 kid", withHeader(eddsa, alg: "none", kid: "ed"), all, .unsupportedAlgorithm),
      ("ES512", withHeader(es256, alg: "ES512", kid: "es256"), all, .unsupportedAlgorithm),
      ("Ed25519 (RFC 9864 name)", withHeader(eddsa, alg: "Ed25519", kid: "ed"), all, .unsupportedAlgorithm),
      ("es256 in lower case", withHeader(es256, alg: "es256", kid: "es256"), all, .unsupportedAlgorithm),
      // The key decides: a key verifies only its own algorithm.
      (
        "ES256 header, RSA key, real RSA signature", try resigned("ES256", "k1", with: k1), all,
        .unsupportedAlgorithm
      ),
      (
        "ES256 header, RSA key without alg", withHeader(es256, alg: "ES256", kid: "ps"), all,
        .unsupportedAlgorithm
      ),
      ("ES256 header, P-384 key", withHeader(es256, alg: "ES256", kid: "es384"), all, .unsupportedAlgorithm),
      (
        "ES384 header, P-256 key with alg", withHeader(es384, alg: "ES384", kid: "es256"), all,
        .unsupportedAlgorithm
      ),
      (
        "ES384 header, P-256 key without alg", withHeader(es384, alg: "ES384", kid: "ec1"), all,
        .unsupportedAlgorithm
      ),
      ("EdDSA header, P-256 key", withHeader(eddsa, alg: "EdDSA", kid: "es256"), all, .unsupportedAlgorithm),
      ("EdDSA header, RSA key", withHeader(eddsa, alg: "EdDSA", kid: "k2"), all, .unsupportedAlgorithm),
      (
        "RS256 header, Ed25519 key", withHeader(Fixtures.token("good"), alg: "RS256", kid: "ed"), all,
        .unsupportedAlgorithm
      ),
      (
        "PS256 header, RSA key with alg RS256",
        withHeader(Fixtures.algToken("ps256"), alg: "PS256", kid: "k1"), all, .unsupportedAlgorithm
      ),
      (
        "RS256 header, P-256 key", withHeader(Fixtures.token("good"), alg: "RS256", kid: "ec1"), all,
        .unsupportedAlgorithm
      ),
      // JOSE signature encodings, strictly.
      ("ES256 with a DER signature", Fixtures.algToken("es256_der_signature"), all, .badSignature),
      (
        "ES256 signature one byte short", withSignature(es256, Array(es256Signature.dropLast())), all,
        .badSignature
      ),
      ("ES256 signature one byte long", withSignature(es256, es256Signature + [0]), all, .badSignature),
      ("ES256 signature with a leading zero", withSignature(es256, [0] + es256Signature), all, .badSignature),
      (
        "ES256 r and s swapped",
        withSignature(es256, Array(es256Signature[half...] + es256Signature[..<half])), all, .badSignature
      ),
      (
        "ES256 all-zero signature", withSignature(es256, [UInt8](repeating: 0, count: 64)), all, .badSignature
      ),
      ("ES256 with a 96-byte signature", withSignature(es256, es384Signature), all, .badSignature),
      ("ES384 with a 64-byte signature", withSignature(es384, es256Signature), all, .badSignature),
      ("ES384 signature bit flipped", withSignature(es384, flipped(es384Signature, 50)), all, .badSignature),
      (
        "EdDSA signature one byte short", withSignature(eddsa, Array(eddsaSignature.dropLast())), all,
        .badSignature
      ),
      ("EdDSA signature one byte long", withSignature(eddsa, eddsaSignature + [0]), all, .badSignature),
      ("EdDSA signature bit flipped", withSignature(eddsa, flipped(eddsaSignature, 5)), all, .badSignature),
      ("ES256 payload changed", withPayload(es256, #"{"sub":"admin"}"#), all, .badSignature),
      ("EdDSA payload changed", withPayload(eddsa, #"{"sub":"admin"}"#), all, .badSignature),
      // RSA padding is part of the algorithm.
      (
        "PS256 header over a PKCS#1 v1.5 signature", Fixtures.algToken("ps256_header_pkcs1_signature"), all,
        .badSignature
      ),
      (
        "RS256 header over a PSS signature", Fixtures.algToken("rs256_header_pss_signature"), all,
        .badSignature
      ),
      ("PS256 with a 20-byte salt", Fixtures.algToken("ps256_short_salt"), all, .badSignature),
      (
        "PS256 signature one byte short",
        withSignature(
          Fixtures.algToken("ps256"), Array(signature(of: Fixtures.algToken("ps256")).dropLast())), all,
        .badSignature
      ),
    ]
    FuzzSeeds.record("jws", cases.map(\.token))
    for c in cases {
      let settings = try IssuerSettings(
        issuer: Fixtures.issuer, audiences: [Fixtures.audience], algorithms: c.algorithms)
      XCTAssertEqual(kind(c.token, keys, settings, now: Fixtures.now), c.expected, c.name)
    }
  }

  /// The verified-token cache answers a repeated token without verifying again; a token whose
  /// header names another algorithm is another token (the cache key hashes the whole token).
  func testCachedValidationKeysOnTheWholeToken() throws {
    let cache = VerifiedTokenCache(capacity: 8)
    let settings = try IssuerSettings(
      issuer: Fixtures.issuer, audiences: [Fixtures.audience], algorithms: Self.allAlgorithms)
    let es256 = Fixtures.algToken("es256")
    for expected: AuthError.Kind? in [nil, nil] {
      XCTAssertEqual(
        kind(es256, Fixtures.allAlgorithmsKeySet, settings, now: Fixtures.now, cache: cache), expected)
    }
    XCTAssertEqual(cache.count, 1)
    let relabelled = withHeader(es256, alg: "ES384", kid: "es256")
    XCTAssertEqual(
      kind(relabelled, Fixtures.allAlgorithmsKeySet, settings, now: Fixtures.now, cache: cache),
      .unsupportedAlgorithm)
  }

  // MARK: - Helpers

  private func kind(
    _ token: String, _ keys: KeySet, _ settings: IssuerSettings, now: Int64, cache: VerifiedTokenCache? = nil
  ) -> AuthError.Kind? {
    let result: Result<VerifiedToken, AuthError>
    if let cache {
      result = Array(token.utf8).withUnsafeBufferPointer {
        JWTValidator.validate(token: $0, keys: keys, settings: settings, now: now, cache: cache)
      }
    } else {
      result = JWTValidator.validate(token: Array(token.utf8), keys: keys, settings: settings, now: now)
    }
    switch result {
    case .success(let verified):
      XCTAssertNotNil(verified.subject)
      return nil
    case .failure(let error): return error.kind
    }
  }

  private func signed(_ signer: JWSSigner) throws -> String {
    try CompactJWS.sign(
      claimsJSON:
        #"{"iss":"\#(Fixtures.issuer)","aud":"\#(Fixtures.audience)","sub":"u","exp":\#(Fixtures.now + 60)}"#,
      signer: signer)
  }

  /// A token with header `{"alg":alg,"kid":kid}` and good claims, really signed by `signer`.
  private func resigned(_ alg: String, _ kid: String, with signer: JWSSigner) throws -> String {
    let claims =
      #"{"iss":"\#(Fixtures.issuer)","aud":"\#(Fixtures.audience)","sub":"u","exp":\#(Fixtures.now + 60)}"#
    let input =
      Base64URL.encode(Array(#"{"alg":"\#(alg)","kid":"\#(kid)"}"#.utf8)) + "."
      + Base64URL.encode(Array(claims.utf8))
    return input + "." + Base64URL.encode(try signer.sign(signingInput: Array(input.utf8)))
  }

  private func parts(_ token: String) -> [String] { token.split(separator: ".").map(String.init) }

  private func signature(of token: String) -> [UInt8] { Base64URL.decode(parts(token)[2])! }

  private func flipped(_ bytes: [UInt8], _ index: Int) -> [UInt8] {
    var copy = bytes
    copy[index] ^= 1
    return copy
  }

  private func withHeader(_ token: String, alg: String, kid: String) -> String {
    let p = parts(token)
    return Base64URL.encode(Array(#"{"alg":"\#(alg)","typ":"JWT","kid":"\#(kid)"}"#.utf8)) + "." + p[1] + "."
      + p[2]
  }

  private func withSignature(_ token: String, _ signature: [UInt8]) -> String {
    let p = parts(token)
    return p[0] + "." + p[1] + "." + Base64URL.encode(signature)
  }

  private func withPayload(_ token: String, _ payload: String) -> String {
    let p = parts(token)
    return p[0] + "." + Base64URL.encode(Array(payload.utf8)) + "." + p[2]
  }
}
