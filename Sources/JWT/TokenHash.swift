import Crypto

/// The SHA-256 of a whole token, as four words so that hashing and comparing it costs no
/// allocation. The key of `VerifiedTokenCache`; safe to log a prefix of. Immutable.
public struct TokenHash: Hashable, Sendable {
  public let w0: UInt64
  public let w1: UInt64
  public let w2: UInt64
  public let w3: UInt64

  public init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
    self.w0 = w0
    self.w1 = w1
    self.w2 = w2
    self.w3 = w3
  }

  /// Hashes the token bytes with SHA-256.
  public init(token: UnsafeRawBufferPointer) {
    let digest = SHA256.hash(token)
    func word(_ offset: Int) -> UInt64 {
      var value: UInt64 = 0
      for index in offset..<(offset + 8) { value = value << 8 | UInt64(digest[index]) }
      return value
    }
    self.init(w0: word(0), w1: word(8), w2: word(16), w3: word(24))
  }

  public init(token: [UInt8]) {
    self = token.withUnsafeBytes { TokenHash(token: $0) }
  }
}
