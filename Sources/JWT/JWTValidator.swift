public import Crypto

/// Checks one bearer token against one issuer's keys and settings, with an injected clock.
/// Stateless and thread-safe (the inputs are immutable).
///
/// Order, and the first failure wins (RFC 7515, RFC 7519 §7.2, RFC 8725):
/// 1. size limit (`tokenTooLarge`), before any parsing;
/// 2. compact JWS parse (`malformed`);
/// 3. header: `alg` must be a string the issuer allows (`none`, `HS*`, `RS512`… are
///    `unsupportedAlgorithm` — the algorithms are pinned by config, the header is only compared);
///    `crit` present → `unsupportedCritical` (no extension is understood, so none may be
///    critical); `jku`, `x5u`, `jwk` and `x5c` are ignored — keys come only from the configured
///    JWKS, never from the token; key by `kid` (`unknownKid`), `kid` required when the set has
///    several keys (`malformed`); the key must verify the header's algorithm — its own `alg`
///    when it has one, else its type's (`JWK.verifies`; an RSA key never verifies ES*, a P-256
///    key never ES384) — or `unsupportedAlgorithm`;
/// 4. signature length must be the JOSE length for the algorithm and key (RSA: the modulus
///    length; ES256 64, ES384 96, EdDSA 64 — a DER ECDSA signature is refused), then the
///    signature itself (`badSignature`); docs/jwt.md;
/// 5. claims, only after the signature is good: `iss` exact, `aud` (string or non-empty array),
///    `exp` required, `nbf`, `iat` (a future `iat` is `notYetValid`), then required claims;
///    `exp`/`nbf`/`iat` must be numbers and `iss`/`sub` strings (`malformed`).
public enum JWTValidator {
  public static func validate(
    token: [UInt8], keys: KeySet, settings: IssuerSettings, now: Int64, claims: ClaimSelection = .all
  ) -> Result<VerifiedToken, AuthError> {
    token.withUnsafeBufferPointer {
      validate(token: $0, keys: keys, settings: settings, now: now, claims: claims)
    }
  }

  public static func validate(
    token: Substring, keys: KeySet, settings: IssuerSettings, now: Int64, claims: ClaimSelection = .all
  ) -> Result<VerifiedToken, AuthError> {
    var token = token
    return token.withUTF8 { validate(token: $0, keys: keys, settings: settings, now: now, claims: claims) }
  }

  /// `claims` chooses which payload claims the result keeps (validation is the same either way).
  /// `digests`: `TokenDigests` made from these very token bytes, when the caller has them (RS256
  /// then verifies the signing input's digest instead of hashing it again; digests of other bytes
  /// are not used). `workspace`: the calling thread's RSA
  /// scratch (nil: a temporary one).
  public static func validate(
    token: UnsafeBufferPointer<UInt8>, keys: KeySet, settings: IssuerSettings, now: Int64,
    claims: ClaimSelection = .all, digests: TokenDigests? = nil, workspace: RSAVerifyWorkspace? = nil
  ) -> Result<VerifiedToken, AuthError> {
    guard token.count <= settings.maxTokenBytes else { return .failure(tooLarge(token.count, settings)) }
    let scratchSpace = Scratch(digests: digests, workspace: workspace)
    // Header, payload and signature are decoded into one temporary buffer (on the stack for
    // ordinary tokens) instead of three arrays; the decoded size is under the token's size.
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: token.count + 8) { scratch in
      do throws(AuthError) {
        return .success(try check(token, keys, settings, now, claims, scratch.baseAddress!, scratchSpace))
      } catch {
        return .failure(error)
      }
    }
  }

  /// Like `validate`, but answers from `cache` when this exact token was verified before against
  /// the same key set (`keys.generation`) and has not expired; a fresh success is inserted.
  /// A cache hit skips parsing and RSA; this is safe because every other check depends only on
  /// the token, the settings and time, and time only makes `nbf`/`iat` more valid. Clear the
  /// cache when the issuer's settings change, and use one `claims` selection per cache.
  public static func validate(
    token: UnsafeBufferPointer<UInt8>, keys: KeySet, settings: IssuerSettings, now: Int64,
    cache: VerifiedTokenCache, claims: ClaimSelection = .all
  ) -> Result<VerifiedToken, AuthError> {
    guard token.count <= settings.maxTokenBytes else { return .failure(tooLarge(token.count, settings)) }
    let digests = TokenDigests(token: token)
    let hash = digests.tokenHash
    let signature = digests.unhashed(token)
    if let hit = cache.lookup(tokenHash: hash, signature: signature, now: now, generation: keys.generation) {
      return .success(hit)
    }
    let result = validate(
      token: token, keys: keys, settings: settings, now: now, claims: claims, digests: digests)
    if case .success(let verified) = result {
      cache.insert(
        tokenHash: hash, signature: signature, token: verified, generation: keys.generation, now: now)
    }
    return result
  }

  /// What the caller lent `check` (bundled: `check` has enough parameters).
  private struct Scratch {
    let digests: TokenDigests?
    let workspace: RSAVerifyWorkspace?
  }

  private static func tooLarge(_ count: Int, _ settings: IssuerSettings) -> AuthError {
    AuthError(.tokenTooLarge, "token of \(count) bytes exceeds \(settings.maxTokenBytes)")
  }

  private static func check(
    _ token: UnsafeBufferPointer<UInt8>, _ keys: KeySet, _ settings: IssuerSettings, _ now: Int64,
    _ selection: ClaimSelection, _ scratch: UnsafeMutablePointer<UInt8>, _ given: Scratch
  ) throws(AuthError) -> VerifiedToken {
    let (firstDot, secondDot) = try CompactJWS.dots(token)
    let headerBytes = try decode(token, 0..<firstDot, scratch, "header is not base64url")
    let payloadStart = scratch + headerBytes.count
    let payloadBytes = try decode(token, (firstDot + 1)..<secondDot, payloadStart, "payload is not base64url")
    let signature = try decode(
      token, (secondDot + 1)..<token.count, payloadStart + payloadBytes.count, "signature is not base64url")
    let header = try CompactJWS.members(headerBytes, "header")
    let claims = try CompactJWS.members(payloadBytes, "payload")

    // Header.
    guard let alg = header.value(registered: "alg")?.stringValue else {
      throw AuthError(.malformed, "alg missing")
    }
    guard let algorithm = JWSAlgorithm(rawValue: alg), settings.allows(algorithm) else {
      throw AuthError(.unsupportedAlgorithm, "alg \(printable(alg)) is not allowed")
    }
    if header.contains(registered: "crit") {
      throw AuthError(.unsupportedCritical, "crit header is not supported")
    }
    var kid: String? = nil
    if let value = header.value(registered: "kid") {
      guard let text = value.stringValue else { throw AuthError(.malformed, "kid is not a string") }
      kid = text
    }
    if keys.isEmpty { throw AuthError(.noKeys, "the issuer's key set is empty") }
    let jwk: JWK
    if let kid {
      guard let found = keys.key(kid: kid) else {
        throw AuthError(.unknownKid, "kid \(printable(kid)) is unknown")
      }
      jwk = found
    } else {
      guard keys.count == 1 else {
        throw AuthError(.malformed, "kid missing and the key set has \(keys.count) keys")
      }
      jwk = keys.keys[0]
    }
    guard jwk.verifies(algorithm) else {
      let keyType = jwk.alg.map { "its alg is \($0.rawValue)" } ?? "kty \(jwk.publicJWK["kty"] ?? "?")"
      throw AuthError(.unsupportedAlgorithm, "alg \(alg) does not fit the key (\(keyType))")
    }

    // Signature, over the token's own bytes up to the second dot.
    let signingInput = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: token[0..<secondDot]))
    try verifySignature(
      algorithm, jwk, signingInput, UnsafeRawBufferPointer(signature),
      given.digests?.signingInputDigest(of: token, endingAt: secondDot), given.workspace)

    // Claims. A plain ASCII `iss`/`aud` string is compared as bytes, without building a String.
    if let issuerBytes = settings.issuerASCII, let raw = claims.plainASCIIString(registered: "iss") {
      guard equal(raw, issuerBytes) else {
        throw AuthError(.issuerMismatch, "iss is not the configured issuer")
      }
    } else {
      try checkIssuer(claims, settings)
    }
    if let audiences = settings.audiencesASCII, let raw = claims.plainASCIIString(registered: "aud") {
      guard audiences.contains(where: { equal(raw, $0) }) else {
        throw AuthError(.audienceMismatch, "aud matches no configured audience")
      }
    } else {
      try checkAudience(claims, settings)
    }

    let leeway = Double(settings.leeway)
    let nowValue = Double(now)
    guard let expValue = claims.value(registered: "exp") else {
      throw AuthError(.missingClaim, "exp missing")
    }
    let exp = try numericDate(expValue, "exp")
    if nowValue > exp + leeway { throw AuthError(.expired, "expired \(Int64(nowValue - exp)) s ago") }
    if let nbfValue = claims.value(registered: "nbf") {
      let nbf = try numericDate(nbfValue, "nbf")
      if nowValue + leeway < nbf { throw AuthError(.notYetValid, "nbf is \(Int64(nbf - nowValue)) s ahead") }
    }
    if let iatValue = claims.value(registered: "iat") {
      let iat = try numericDate(iatValue, "iat")
      if iat > nowValue + leeway {
        throw AuthError(.notYetValid, "iat is \(Int64(iat - nowValue)) s in the future")
      }
    }
    var subject: String? = nil
    if let subValue = claims.value(registered: "sub") {
      guard let text = subValue.stringValue else { throw AuthError(.malformed, "sub is not a string") }
      subject = text
    }
    for (name, expected) in settings.sortedRequiredClaims {
      guard let actual = claims.value(named: name) else {
        throw AuthError(.missingClaim, "required claim \(name) missing")
      }
      if let expected, actual != expected {
        throw AuthError(.claimMismatch, "claim \(name) does not have the required value")
      }
    }
    let expiresAt = exp >= 9.2e18 ? Int64.max : exp <= -9.2e18 ? Int64.min : Int64(exp.rounded(.down))
    let kept: [String: JSONValue]
    switch selection {
    case .all: kept = claims.allMembers()
    case .only(let names):
      var selected: [String: JSONValue] = [:]
      for name in names {
        if let value = claims.value(named: name) { selected[name] = value }
      }
      kept = selected
    }
    // `settings.issuer` equals `iss`: share its storage instead of keeping a second copy.
    return VerifiedToken(
      issuer: settings.issuer, subject: subject, expiresAt: expiresAt, kid: kid, claims: kept)
  }

  /// Checks the length the algorithm and key demand (the JOSE encodings: RSA the modulus length,
  /// ES256 64 bytes, ES384 96, EdDSA 64 — a DER-encoded ECDSA signature is refused by length),
  /// then the signature itself. `jwk.verifies(algorithm)` already holds.
  /// `signingInputDigest`: SHA-256 of `signingInput`, when known (RS256 uses it).
  private static func verifySignature(
    _ algorithm: JWSAlgorithm, _ jwk: JWK, _ signingInput: UnsafeRawBufferPointer,
    _ signature: UnsafeRawBufferPointer, _ signingInputDigest: SHA256Digest?, _ workspace: RSAVerifyWorkspace?
  ) throws(AuthError) {
    let verified: Bool
    switch jwk.material {
    case .rsa(let key):
      try checkLength(signature.count, key.modulusBytes, algorithm)
      if algorithm == .rs256 {
        let digest = signingInputDigest ?? SHA256Digest(of: signingInput)
        verified = digest.withUnsafeBytes {
          key.verifyRS256(digest: $0, signature: signature, workspace: workspace ?? RSAVerifyWorkspace())
        }
      } else {
        verified = key.verifyPS256(message: signingInput, signature: signature)
      }
    case .ec(let key):
      try checkLength(signature.count, 2 * key.curve.coordinateBytes, algorithm)
      verified = key.verify(message: signingInput, signature: signature)
    case .ed25519(let key):
      try checkLength(signature.count, Ed25519PublicKey.signatureBytes, algorithm)
      verified = key.verify(message: signingInput, signature: signature)
    }
    guard verified else { throw AuthError(.badSignature, "signature does not verify") }
  }

  private static func checkLength(_ count: Int, _ expected: Int, _ algorithm: JWSAlgorithm) throws(AuthError)
  {
    guard count == expected else {
      throw AuthError(
        .badSignature, "signature is \(count) bytes, \(algorithm.rawValue) with this key needs \(expected)")
    }
  }

  private static func checkIssuer(_ claims: JSONObjectSpans, _ settings: IssuerSettings) throws(AuthError) {
    guard let issValue = claims.value(registered: "iss") else {
      throw AuthError(.missingClaim, "iss missing")
    }
    guard let iss = issValue.stringValue else { throw AuthError(.malformed, "iss is not a string") }
    guard iss == settings.issuer else { throw AuthError(.issuerMismatch, "iss is not the configured issuer") }
  }

  private static func checkAudience(_ claims: JSONObjectSpans, _ settings: IssuerSettings) throws(AuthError) {
    guard let aud = claims.value(registered: "aud") else { throw AuthError(.missingClaim, "aud missing") }
    switch aud {
    case .string(let value):
      guard settings.audiences.contains(value) else {
        throw AuthError(.audienceMismatch, "aud matches no configured audience")
      }
    case .array(let values):
      guard !values.isEmpty else { throw AuthError(.audienceMismatch, "aud is an empty array") }
      var matched = false
      for value in values {
        guard let text = value.stringValue else {
          throw AuthError(.malformed, "aud array holds a non-string")
        }
        if settings.audiences.contains(text) { matched = true }
      }
      guard matched else { throw AuthError(.audienceMismatch, "aud matches no configured audience") }
    default:
      throw AuthError(.malformed, "aud is neither a string nor an array")
    }
  }

  private static func equal(_ raw: UnsafeBufferPointer<UInt8>, _ expected: [UInt8]) -> Bool {
    guard raw.count == expected.count else { return false }
    for index in 0..<raw.count where raw[index] != expected[index] { return false }
    return true
  }

  /// Decodes `token[range]` into `output`; the decoded bytes.
  private static func decode(
    _ token: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ output: UnsafeMutablePointer<UInt8>,
    _ failure: StaticString
  ) throws(AuthError) -> UnsafeBufferPointer<UInt8> {
    guard let count = Base64URL.decode(UnsafeBufferPointer(rebasing: token[range]), into: output) else {
      throw AuthError(.malformed, "\(failure)")
    }
    return UnsafeBufferPointer(start: output, count: count)
  }

  /// A NumericDate (RFC 7519 §2): a JSON number, possibly fractional.
  private static func numericDate(_ value: JSONValue, _ name: String) throws(AuthError) -> Double {
    guard let number = value.numberValue, number.isFinite else {
      throw AuthError(.malformed, "\(name) is not a number")
    }
    return number
  }

  /// A header value shortened and stripped of control bytes, so it is safe in a log line.
  static func printable(_ text: String) -> String {
    let cleaned = text.unicodeScalars.prefix(40).map {
      $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0)
    }
    return String(cleaned)
  }
}
