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

  /// `equals` over borrowed bytes (no arrays needed), eight bytes per step: every word of both
  /// sides is read and folded into one difference, whatever the first difference is, so the time
  /// depends only on the length. `CRYPTO_memcmp` goes a byte at a time (~6 instructions per byte:
  /// ~4,000 for a bearer token compared on every request; this is ~0.7 per byte).
  public static func equals(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    guard let pa = a.baseAddress, let pb = b.baseAddress else { return true }
    return difference(UnsafeRawPointer(pa), UnsafeRawPointer(pb), count: a.count) == 0
  }

  /// The OR of `x[i] ^ y[i]` over all `count` bytes (as words): zero exactly when they are equal.
  /// Never returns early.
  @inline(__always)
  static func difference(_ x: UnsafeRawPointer, _ y: UnsafeRawPointer, count: Int) -> UInt64 {
    var folded: UInt64 = 0
    var i = 0
    while i &+ 8 <= count {
      folded |=
        x.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        ^ y.loadUnaligned(fromByteOffset: i, as: UInt64.self)
      i &+= 8
    }
    while i < count {
      folded |= UInt64(x.load(fromByteOffset: i, as: UInt8.self) ^ y.load(fromByteOffset: i, as: UInt8.self))
      i &+= 1
    }
    return folded
  }
}
