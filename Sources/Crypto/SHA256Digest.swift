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
