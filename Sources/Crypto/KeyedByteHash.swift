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

  /// Sixteen bytes per multiplication (two words, each XOR-ed with a seed); a tail shorter than
  /// a word is read as the last 8 bytes (overlapping) once there are 8, so no byte loop runs for
  /// a cookie or a token (docs/performance.md, "Session L1 hit, round 7").
  public func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    let count = bytes.count
    var h = seed0 ^ UInt64(count)
    guard let base = bytes.baseAddress else { return Self.finish(Self.mix(h ^ seed1)) }
    var i = 0
    while i &+ 16 <= count {
      let a = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
      let b = base.loadUnaligned(fromByteOffset: i &+ 8, as: UInt64.self)
      h = Self.mix(a ^ h, b ^ seed1)
      i &+= 16
    }
    if i &+ 8 <= count {
      h = Self.mix(h ^ base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
      i &+= 8
    }
    var tail: UInt64 = 0
    if i < count {
      if count >= 8 {
        tail = base.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
      } else {
        var shift: UInt64 = 0
        while i < count {
          tail |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) &<< shift
          shift &+= 8
          i &+= 1
        }
      }
    }
    return Self.finish(Self.mix(h ^ tail ^ seed1))
  }

  @inline(__always)
  private static func finish(_ h: UInt64) -> UInt64 { h ^ (h >> 29) }

  /// The folded 128-bit product of two words.
  @inline(__always)
  private static func mix(_ x: UInt64, _ y: UInt64) -> UInt64 {
    let m = x.multipliedFullWidth(by: y)
    return m.high ^ m.low
  }

  @inline(__always)
  private static func mix(_ x: UInt64) -> UInt64 {
    let m = x.multipliedFullWidth(by: 0x9E37_79B9_7F4A_7C15)
    return m.high ^ m.low
  }
}
