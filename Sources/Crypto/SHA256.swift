import COpenSSL

/// SHA-256 (FIPS 180-4) through OpenSSL's prefetched `EVP_MD`. Stateless, thread-safe.
public enum SHA256 {
  /// Digest length in bytes.
  public static let byteCount = 32

  /// The 32-byte digest of `data`.
  public static func hash(_ data: [UInt8]) -> [UInt8] {
    data.withUnsafeBufferPointer { hash(UnsafeRawBufferPointer($0)) }
  }

  /// The 32-byte digest of the bytes in `data`.
  public static func hash(_ data: UnsafeRawBufferPointer) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: byteCount)
    var length: UInt32 = 0
    let ok = out.withUnsafeMutableBufferPointer { outBuffer in
      EVP_Digest(data.baseAddress, data.count, outBuffer.baseAddress, &length, Algorithms.shared.sha256, nil)
    }
    // EVP_Digest with a fetched SHA-256 fails only on allocation failure.
    precondition(ok == 1 && length == UInt32(byteCount), "EVP_Digest: \(OpenSSLErrorQueue.drain())")
    return out
  }
}
