import Codecs
import Config
import Crypto
import JWT

/// `[assertion]` at run time: the signing keys (the first signs, all are published) and the
/// claims every assertion carries. Builds the claims JSON of one assertion and signs it; the
/// shared `AssertionCache` makes that happen once per session generation or token, not per
/// request (README, "Passing identity on"). Immutable, thread-safe (`JWSSigner` is).
final class AssertionIssuer: Sendable {
  let settings: AssertionSettings
  let signers: [JWSSigner]
  let audience: String
  /// `ttl` in whole seconds; an assertion is signed again after half of it.
  let ttlSeconds: Int64
  /// `/.well-known/jwks.json`: public keys only, `kid` = RFC 7638 thumbprint.
  let jwksBody: [UInt8]
  /// The same key set as text, and its `Cache-Control`, for `public_jwks_path`.
  let jwksText: String
  let jwksCacheControl: String
  /// `public_jwks_path` as bytes, compared with each request's path (nil: not served there).
  let publicJWKSPath: [UInt8]?
  /// True when no key was configured and one was generated at start.
  let generatedKey: Bool
  /// The assertions signed so far, shared by the workers.
  let cache = AssertionCache()

  /// Loads the configured keys (the loader has already checked they load), or generates one of
  /// `algorithm` when none is configured.
  init(settings: AssertionSettings, upstream: String) throws(CryptoError) {
    var signers: [JWSSigner] = []
    for key in settings.keys { signers.append(try JWSSigner(pem: Array(key.revealed.utf8))) }
    generatedKey = signers.isEmpty
    if signers.isEmpty {
      signers = [try JWSSigner.generate(JWSAlgorithm(rawValue: settings.algorithm) ?? .es256)]
    }
    self.settings = settings
    self.signers = signers
    self.audience = settings.audience ?? upstream
    self.ttlSeconds = Int64(settings.ttl.components.seconds)
    self.jwksText = JWSSigner.keySetJSON(signers)
    self.jwksBody = Array(jwksText.utf8)
    self.jwksCacheControl = "public, max-age=\(settings.jwksMaxAge.components.seconds)"
    self.publicJWKSPath = settings.publicJWKSPath.map { Array($0.utf8) }
  }

  /// One signed assertion. `claims` are the configured claims' values (absent ones omitted).
  func sign(
    subject: String, sessionID: String?, method: String, now: Int64, expiresAt: Int64,
    claims: [(String, JSONValue)], traceID: String
  ) throws(CryptoError) -> String {
    var json = "{\"iss\":" + JSONString.quoted(settings.issuer) + ",\"aud\":" + JSONString.quoted(audience)
    json += ",\"sub\":" + JSONString.quoted(subject)
    if let sessionID { json += ",\"sid\":" + JSONString.quoted(sessionID) }
    json += ",\"amr\":[\"" + method + "\"],\"iat\":" + String(now) + ",\"exp\":" + String(expiresAt)
    json += ",\"jti\":\"" + Hex.encode(SecureRandom.bytes(16)) + "\""
    for (name, value) in claims { json += "," + JSONString.quoted(name) + ":" + value.description }
    json += ",\"trace_id\":\"" + traceID + "\"}"
    return try CompactJWS.sign(claimsJSON: json, signer: signers[0])
  }
}
