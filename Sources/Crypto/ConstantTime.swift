/// Comparisons whose running time does not depend on the bytes compared. Stateless, thread-safe.
///
/// The bytes are compared eight at a time: every word's XOR is OR-ed into one accumulator and
/// only the accumulator is tested, once, at the end — no branch depends on the content, as in
/// `CRYPTO_memcmp`, which compares one byte per step (a 900-byte bearer token cost ~4,000
/// instructions there, ~330 here; docs/performance.md).
public enum ConstantTime {
  /// True when `a` and `b` are byte-for-byte equal. Lengths are not secret: different lengths
  /// return false at once.
  public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    return a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in equals(pa, pb) } }
  }

  /// `equals` over borrowed bytes (no arrays needed): the time depends only on the length.
  public static func equals(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    guard let pa = a.baseAddress, let pb = b.baseAddress else { return true }
    return difference(UnsafeRawPointer(pa), UnsafeRawPointer(pb), count: a.count) == 0
  }

  /// The OR of `x[i] ^ y[i]` over all `count` bytes (as words): zero exactly when they are equal.
  /// Never returns early. From 8 bytes on, a tail shorter than a word is compared as the last
  /// 8 bytes (overlapping the words before: a byte compared twice changes nothing in the OR),
  /// not byte by byte.
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
    if i < count && count >= 8 {
      return folded
        | (x.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
          ^ y.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self))
    }
    while i < count {
      folded |= UInt64(x.load(fromByteOffset: i, as: UInt8.self) ^ y.load(fromByteOffset: i, as: UInt8.self))
      i &+= 1
    }
    return folded
  }
}
