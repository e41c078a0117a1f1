import COpenSSL

/// A SHA-256 digest held inline (32 bytes in four words, in digest order), so that computing,
/// passing and comparing one allocates nothing. Immutable, thread-safe.
public struct SHA256Digest: Sendable, Equatable {
  private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

  private init() {}

  /// The digest of `data` (OpenSSL's prefetched SHA-256).
  public init(of data: UnsafeRawBufferPointer) {
    self.init()
    var length: UInt32 = 0
    let ok = withUnsafeMutableBytes(of: &words) {
      EVP_Digest(
        data.baseAddress, data.count, $0.baseAddress!.assumingMemoryBound(to: UInt8.self), &length,
        Algorithms.shared.sha256, nil)
    }
    // EVP_Digest with a fetched SHA-256 fails only on allocation failure.
    precondition(ok == 1 && length == UInt32(SHA256.byteCount), "EVP_Digest: \(OpenSSLErrorQueue.drain())")
  }

  /// The digests of `data[..<prefixCount]` and of all of `data`, in one pass over the bytes: the
  /// running state after the prefix is copied and finished for the first, and continued over the
  /// rest for the second. (A JWS's signing input is its prefix up to the second dot: one pass
  /// gives the digest RS256 verifies and the whole token's digest a cache is keyed by.)
  public static func prefixAndWhole(_ data: UnsafeRawBufferPointer, prefixCount: Int) -> (
    prefix: SHA256Digest, whole: SHA256Digest
  ) {
    precondition(prefixCount >= 0 && prefixCount <= data.count)
    var prefix = SHA256Digest()
    var whole = SHA256Digest()
    guard let running = EVP_MD_CTX_new(), let fork = EVP_MD_CTX_new() else {
      preconditionFailure("EVP_MD_CTX_new: \(OpenSSLErrorQueue.drain())")
    }
    defer {
      EVP_MD_CTX_free(fork)
      EVP_MD_CTX_free(running)
    }
    let base = data.baseAddress
    let ok =
      EVP_DigestInit_ex(running, Algorithms.shared.sha256, nil) == 1
      && EVP_DigestUpdate(running, base, prefixCount) == 1
      && EVP_MD_CTX_copy_ex(fork, running) == 1
      && prefix.finish(fork)
      && EVP_DigestUpdate(running, base.map { $0 + prefixCount }, data.count - prefixCount) == 1
      && whole.finish(running)
    precondition(ok, "SHA-256: \(OpenSSLErrorQueue.drain())")
    return (prefix, whole)
  }

  private mutating func finish(_ context: OpaquePointer) -> Bool {
    var length: UInt32 = 0
    let ok = withUnsafeMutableBytes(of: &words) {
      EVP_DigestFinal_ex(context, $0.baseAddress!.assumingMemoryBound(to: UInt8.self), &length)
    }
    return ok == 1 && length == UInt32(SHA256.byteCount)
  }

  /// The 32 digest bytes, borrowed for `body`.
  public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
    try Swift.withUnsafeBytes(of: words, body)
  }

  /// The 32 digest bytes as an array.
  public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

  public static func == (a: SHA256Digest, b: SHA256Digest) -> Bool {
    a.words.0 == b.words.0 && a.words.1 == b.words.1 && a.words.2 == b.words.2 && a.words.3 == b.words.3
  }
}
