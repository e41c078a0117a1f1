/// A keyed 64-bit hash of byte strings for the per-worker caches that are keyed by what a client
/// sends (cookies, bearer tokens): seeded per instance from the CSPRNG, so a client cannot aim
/// its values at one slot. Not a MAC: a cache that uses it still compares the held bytes in
/// constant time before it answers. 8 bytes at a time, multiply-xor mixing. Immutable.
public struct KeyedByteHash: Sendable {
  private let seed0: UInt64
  private let seed1: UInt64

  public init() {
    let random = SecureRandom.bytes(16)
    var a: UInt64 = 0
    var b: UInt64 = 0
    for i in 0..<8 {
      a = a << 8 | UInt64(random[i])
      b = b << 8 | UInt64(random[8 + i])
    }
    seed0 = a
    seed1 = b
  }

  public func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var h = seed0 ^ UInt64(bytes.count)
    var i = 0
    while i + 8 <= bytes.count {
      h = Self.mix(h ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
      i += 8
    }
    var tail: UInt64 = 0
    var shift: UInt64 = 0
    while i < bytes.count {
      tail |= UInt64(bytes[i]) << shift
      shift += 8
      i += 1
    }
    h = Self.mix(h ^ tail ^ seed1)
    return h ^ (h >> 29)
  }

  @inline(__always)
  private static func mix(_ x: UInt64) -> UInt64 {
    let m = x.multipliedFullWidth(by: 0x9E37_79B9_7F4A_7C15)
    return m.high ^ m.low
  }
}
