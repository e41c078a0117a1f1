public import Crypto
import Glibc

/// The two SHA-256 digests a new bearer token needs, from one pass over its bytes: the whole
/// token's (`TokenHash`, the verified-token cache's key) and its signing input's — the bytes
/// before the second dot, which for a compact JWS is `BASE64URL(header) '.' BASE64URL(payload)`,
/// the message RS256 signs. Immutable.
///
/// Hashing the token for the cache and then letting OpenSSL hash the signing input again cost a
/// new token ~1.5 passes of SHA-256; this costs one (docs/performance.md, "JWT, round 4").
public struct TokenDigests: Sendable {
  /// SHA-256 of the whole token.
  public let tokenHash: TokenHash
  /// SHA-256 of `token[..<signingInputEnd]`; nil when the token has fewer than two dots.
  public let signingInput: SHA256Digest?
  /// Where the signing input ends: the second dot's offset (0 when there is none).
  public let signingInputEnd: Int
  /// The hashed bytes' address and length: the digests are used only for those same bytes.
  private let address: UInt
  private let count: Int

  public init(token: UnsafeRawBufferPointer) {
    address = UInt(bitPattern: token.baseAddress)
    count = token.count
    guard let end = TokenDigests.secondDot(token) else {
      tokenHash = TokenHash(token: token)
      signingInput = nil
      signingInputEnd = 0
      return
    }
    let (prefix, whole) = SHA256Digest.prefixAndWhole(token, prefixCount: end)
    tokenHash = TokenHash(digest: whole)
    signingInput = prefix
    signingInputEnd = end
  }

  public init(token: UnsafeBufferPointer<UInt8>) {
    self.init(token: UnsafeRawBufferPointer(token))
  }

  /// The signing input's digest when these digests were made from `token` itself (the same
  /// bytes in place) and its signing input ends at `end` (the validator's second dot); nil
  /// otherwise — the validator then hashes the signing input itself.
  func signingInputDigest(of token: UnsafeBufferPointer<UInt8>, endingAt end: Int) -> SHA256Digest? {
    guard UInt(bitPattern: token.baseAddress) == address, token.count == count, end == signingInputEnd else {
      return nil
    }
    return signingInput
  }

  /// The offset of the second dot (memchr, vectorised in glibc, as `CompactJWS.dots`).
  private static func secondDot(_ token: UnsafeRawBufferPointer) -> Int? {
    guard let base = token.baseAddress, let first = memchr(base, Int32(UInt8(ascii: ".")), token.count) else {
      return nil
    }
    let next = base.distance(to: UnsafeRawPointer(first)) + 1
    guard next < token.count, let second = memchr(base + next, Int32(UInt8(ascii: ".")), token.count - next)
    else { return nil }
    return base.distance(to: UnsafeRawPointer(second))
  }
}
