import Codecs
import Crypto

/// The dashboard's sign-in cookie (docs/dashboard.md, "Access"): after an operator typed the
/// admin token once, the browser holds this instead of the token.
///
/// Wire form (base64url without padding, 87 characters):
///
///     version(1) ‖ expires(8, wall seconds, big-endian) ‖ tokenID(6) ‖ nonce(18) ‖ HMAC-SHA256(key, "gh-admin" ‖ the 33 bytes)(32)
///
/// - The key is random per process: a restart signs every operator out, and nothing on disk
///   or in the configuration can forge a cookie.
/// - `tokenID` (`AdminTokenID`) ties the cookie to the token it was issued for: rotating the
///   token (SIGHUP) signs out every browser that used the old one.
/// - The CSRF token of a signed-in browser is derived from the nonce
///   (HMAC(key, "gh-admin-csrf" ‖ nonce)), so the server keeps no state per operator.
///
/// Thread-safe: immutable (the prepared key is safe to share).
final class AdminSessionCookie: Sendable {
  static let name = "__Host-gatehouse-admin"
  /// How long a sign-in lasts: short, because the cookie grants what the token grants.
  static let lifetimeSeconds: Int64 = 3600
  static let version: UInt8 = 1
  static let nonceByteCount = 18
  static let payloadByteCount = 1 + 8 + AdminTokenID.byteCount + nonceByteCount
  static let wireByteCount = payloadByteCount + 32
  private static let macDomain = Array("gh-admin".utf8)
  private static let csrfDomain = Array("gh-admin-csrf".utf8)

  /// What a valid cookie says. Immutable.
  struct Claims: Equatable, Sendable {
    let expiresAt: Int64
    let tokenID: AdminTokenID
    let nonce: [UInt8]
  }

  private let key: HMACSHA256Key

  init(key: [UInt8] = SecureRandom.bytes(32)) {
    self.key = HMACSHA256Key(key)
  }

  /// A new sign-in for `tokenID` valid for `lifetimeSeconds` from `nowSeconds` (wall clock).
  func issue(tokenID: AdminTokenID, nowSeconds: Int64, nonce: [UInt8] = SecureRandom.bytes(nonceByteCount))
    -> (value: String, claims: Claims)
  {
    precondition(nonce.count == Self.nonceByteCount)
    let expiresAt = nowSeconds + Self.lifetimeSeconds
    var payload: [UInt8] = [Self.version]
    for shift in stride(from: 56, through: 0, by: -8) {
      payload.append(UInt8(truncatingIfNeeded: UInt64(bitPattern: expiresAt) >> UInt64(shift)))
    }
    payload += tokenID.bytes + nonce
    let wire = payload + key.authenticate(Self.macDomain + payload)
    return (Base64URL.encode(wire), Claims(expiresAt: expiresAt, tokenID: tokenID, nonce: nonce))
  }

  /// The claims of `value` when its MAC is right, it has not expired and it was issued for
  /// `tokenID` (the token configured now); nil otherwise.
  func verify(_ value: [UInt8], tokenID: AdminTokenID, nowSeconds: Int64) -> Claims? {
    guard value.count == (Self.wireByteCount * 8 + 5) / 6, let wire = Base64URL.decode(value),
      wire.count == Self.wireByteCount, wire[0] == Self.version
    else { return nil }
    let payload = Array(wire[0..<Self.payloadByteCount])
    let mac = Array(wire[Self.payloadByteCount...])
    guard ConstantTime.equals(key.authenticate(Self.macDomain + payload), mac) else { return nil }
    var expiresAt: UInt64 = 0
    for byte in payload[1..<9] { expiresAt = expiresAt << 8 | UInt64(byte) }
    let claims = Claims(
      expiresAt: Int64(bitPattern: expiresAt), tokenID: AdminTokenID(bytes: Array(payload[9..<15])),
      nonce: Array(payload[15...]))
    guard nowSeconds < claims.expiresAt, ConstantTime.equals(claims.tokenID.bytes, tokenID.bytes) else {
      return nil
    }
    return claims
  }

  /// The CSRF token the page sends back in `X-CSRF-Token` on state-changing requests.
  func csrfToken(for claims: Claims) -> String {
    Base64URL.encode(Array(key.authenticate(Self.csrfDomain + claims.nonce)[0..<24]))
  }

  func csrfMatches(_ presented: [UInt8]?, claims: Claims) -> Bool {
    guard let presented else { return false }
    return ConstantTime.equals(presented, Array(csrfToken(for: claims).utf8))
  }

  /// `Set-Cookie` for a sign-in: host-only, whole site, HTTPS-or-loopback only, invisible to
  /// scripts, never sent on cross-site requests, gone when the sign-in ends.
  static func setCookie(_ value: String) -> (String, String) {
    ("Set-Cookie", "\(name)=\(value); Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=\(lifetimeSeconds)")
  }

  /// `Set-Cookie` that ends a sign-in.
  static let deletion = ("Set-Cookie", "\(name)=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// A short, non-reversible name for an admin token in logs and cookies: the first 6 bytes of
/// SHA-256(token), shown as 12 hex digits. Identifies which token an operator used without
/// revealing it. Immutable.
struct AdminTokenID: Equatable, Sendable, CustomStringConvertible {
  static let byteCount = 6
  let bytes: [UInt8]

  init(bytes: [UInt8]) { self.bytes = bytes }

  init(token: [UInt8]) { bytes = Array(SHA256.hash(token)[0..<Self.byteCount]) }

  var description: String { Hex.encode(bytes) }
}
