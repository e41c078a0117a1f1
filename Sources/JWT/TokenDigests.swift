public import Crypto
import Glibc

/// What a new bearer token needs hashed, from one SHA-256 pass over its signing input — the
/// bytes before the second dot, which for a compact JWS is `BASE64URL(header) '.'
/// BASE64URL(payload)`, the message RS256 signs: that digest, and the verified-token cache's key
/// (`TokenHash`, the same digest). The signature after it is not hashed: the cache holds it and
/// compares it in full (`VerifiedTokenCache`), so a hit still needs every byte of the token.
/// Immutable.
///
/// Hashing the token for the cache and then letting OpenSSL hash the signing input again cost a
/// new token ~1.5 passes of SHA-256 (docs/performance.md, "JWT, round 4"); hashing the whole
/// token once, its signature's ~5 blocks more than the signing input's (round 5).
public struct TokenDigests: Sendable {
  /// The verified-token cache's key: SHA-256 of the signing input, or of the whole token when it
  /// has fewer than two dots (no signature to verify: it is refused).
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
    let digest = SHA256Digest(of: UnsafeRawBufferPointer(rebasing: token[..<end]))
    tokenHash = TokenHash(digest: digest)
    signingInput = digest
    signingInputEnd = end
  }

  /// The bytes of `token` (the one these digests were made from) that `tokenHash` does not
  /// cover: from the second dot on (the signature), or none when there is no second dot. The
  /// verified-token cache compares them in full.
  public func unhashed(_ token: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    precondition(token.count == count, "digests of another token")
    return signingInput == nil
      ? UnsafeBufferPointer(rebasing: token[token.count...])
      : UnsafeBufferPointer(rebasing: token[signingInputEnd...])
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
