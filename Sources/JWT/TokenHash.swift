public import Crypto

/// A SHA-256 digest naming a token, as four words so that hashing and comparing it costs no
/// allocation: of its signing input (`TokenDigests`; the signature is compared in full beside
/// it), or of the whole token. The key of `VerifiedTokenCache` and of the assertion cache (two
/// valid tokens with the same signing input carry the same claims); safe to log a prefix of.
/// Immutable.
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
    self.init(digest: SHA256Digest(of: token))
  }

  /// The token hash whose SHA-256 digest is `digest` (`TokenDigests` computes it with the
  /// signing input's).
  public init(digest: SHA256Digest) {
    self = digest.withUnsafeBytes { bytes in
      func word(_ index: Int) -> UInt64 {
        UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
      }
      return TokenHash(w0: word(0), w1: word(1), w2: word(2), w3: word(3))
    }
  }

  public init(token: [UInt8]) {
    self = token.withUnsafeBytes { TokenHash(token: $0) }
  }
}
