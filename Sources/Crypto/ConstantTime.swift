import COpenSSL

/// Comparisons whose running time does not depend on the bytes compared. Stateless, thread-safe.
public enum ConstantTime {
  /// True when `a` and `b` are byte-for-byte equal. Lengths are not secret: different lengths
  /// return false at once; equal lengths are compared with `CRYPTO_memcmp`.
  public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    if a.isEmpty { return true }
    return a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in CRYPTO_memcmp(pa.baseAddress, pb.baseAddress, pa.count) == 0 }
    }
  }

  /// `equals` over borrowed bytes (no arrays needed).
  public static func equals(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    if a.isEmpty { return true }
    return CRYPTO_memcmp(a.baseAddress, b.baseAddress, a.count) == 0
  }
}
