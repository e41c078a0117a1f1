import Crypto

/// The per-session CSRF token handed to the app (`X-CSRF-Token`) and checked on unsafe methods.
///
/// base = HMAC-SHA256(csrfSecret, "gh-csrf v1") (32 bytes, stable for the session); every response
/// gets a fresh random 32-byte mask and the token base64url(mask ‖ (mask XOR base)) (86 characters),
/// so a compressed page never repeats the same secret bytes (BREACH). Any masking of the base
/// verifies. Stateless, thread-safe.
public enum CSRFToken {
  public static let baseByteCount = 32
  /// Length of a token in characters.
  public static let encodedLength = (2 * baseByteCount * 8 + 5) / 6

  /// The session's unmasked token (stable for the session: callers may keep it with the session).
  public static func base(secret: [UInt8]) -> [UInt8] {
    HMACSHA256.authenticate(key: secret, message: Array("gh-csrf v1".utf8))
  }

  /// A freshly masked token for the session with `secret`.
  public static func make(secret: [UInt8]) -> String {
    make(secret: secret, mask: SecureRandom.bytes(baseByteCount))
  }

  /// A token with an explicit 32-byte mask (tests).
  public static func make(secret: [UInt8], mask: [UInt8]) -> String {
    make(base: base(secret: secret), mask: mask)
  }

  /// A token from a precomputed `base(secret:)` and a 32-byte mask.
  public static func make(base: [UInt8], mask: [UInt8]) -> String {
    precondition(mask.count == baseByteCount && base.count == baseByteCount)
    var out = mask
    for i in 0..<baseByteCount { out.append(mask[i] ^ base[i]) }
    return Base64URL.encode(out)
  }

  /// `make(base:mask:)` with the mask borrowed (e.g. from a `RandomPool`): the masked bytes
  /// live on the stack and the only allocation is the token's string.
  public static func make(base: [UInt8], mask: UnsafeBufferPointer<UInt8>) -> String {
    precondition(mask.count == baseByteCount && base.count == baseByteCount)
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * baseByteCount) { raw in
      base.withUnsafeBufferPointer { base in
        for i in 0..<baseByteCount {
          raw[i] = mask[i]
          raw[baseByteCount + i] = mask[i] ^ base[i]
        }
      }
      return String(unsafeUninitializedCapacity: encodedLength) { text in
        Base64URL.encode(UnsafeBufferPointer(raw), into: text.baseAddress!)
      }
    }
  }

  /// True when `token` (the header or form field bytes) unmasks to this session's base.
  /// Constant-time in the token's content; the length check is not secret.
  public static func verify(token: UnsafeBufferPointer<UInt8>, secret: [UInt8]) -> Bool {
    guard token.count == encodedLength, let raw = Base64URL.decode(token), raw.count == 2 * baseByteCount
    else {
      return false
    }
    var unmasked = [UInt8](repeating: 0, count: baseByteCount)
    for i in 0..<baseByteCount { unmasked[i] = raw[i] ^ raw[baseByteCount + i] }
    return ConstantTime.equals(unmasked, base(secret: secret))
  }

  public static func verify(token: [UInt8], secret: [UInt8]) -> Bool {
    token.withUnsafeBufferPointer { verify(token: $0, secret: secret) }
  }

  public static func verify(token: String, secret: [UInt8]) -> Bool {
    verify(token: Array(token.utf8), secret: secret)
  }
}
