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

  /// `equals` over borrowed bytes (no arrays needed).
  public static func equals(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    let count = a.count
    guard count > 0, let pa = a.baseAddress, let pb = b.baseAddress else { return true }
    let ra = UnsafeRawPointer(pa)
    let rb = UnsafeRawPointer(pb)
    var difference: UInt64 = 0
    var offset = 0
    while offset &+ 8 <= count {
      difference |=
        ra.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        ^ rb.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
      offset &+= 8
    }
    while offset < count {
      difference |= UInt64(pa[offset] ^ pb[offset])
      offset &+= 1
    }
    return difference == 0
  }
}
