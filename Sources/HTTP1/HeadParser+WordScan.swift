/// The head scan's word-at-a-time tests: a whole `HTTP/1.x` version in one load, and runs of
/// field-value bytes eight, sixteen or thirty-two at a time (docs/performance.md, "Pass-through
/// and repeated token, round 6"). Pure functions of the bytes; `HeadParser+Scan` calls them.
extension HeadParser {
  /// The minor version when the eight bytes at `i` are exactly `HTTP/1.1` or `HTTP/1.0`, all
  /// before `end` and before `limit` (so no byte among them would meet a limit); nil otherwise,
  /// and the bytes go one by one through `versionByte` (which finds the first error in order).
  @inline(__always)
  static func wholeVersion(_ buf: UnsafeRawBufferPointer, at i: Int, end: Int, limit: Int) -> UInt8? {
    guard let base = buf.baseAddress, i &+ 8 <= end, i &+ 8 <= limit else { return nil }
    switch base.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
    case http11: return 1
    case http10: return 0
    default: return nil
    }
  }

  /// `HTTP/1.1` and `HTTP/1.0` as little-endian words.
  static let http11 = UInt64(littleEndian: 0x312E_312F_5054_5448)
  static let http10 = UInt64(littleEndian: 0x302E_312F_5054_5448)

  /// The end of the run of whole 8-byte words from `start` (not past `stop`) whose bytes are all
  /// field-value bytes other than whitespace (`ASCII.isFieldVChar`); `start` when the first word
  /// is not. The first word alone is checked first: most values are short, and a failed try must
  /// cost little. Then 32 bytes per step while they last, then sixteen (`hasNotPlainValueByte`),
  /// then a word.
  @inline(__always)
  static func plainValueWords(_ buf: UnsafeRawBufferPointer, from start: Int, to stop: Int) -> Int {
    guard let base = buf.baseAddress, start &+ 8 <= stop,
      notPlainValueBytes(base.loadUnaligned(fromByteOffset: start, as: UInt64.self)) == 0
    else { return start }
    var j = start &+ 8
    while j &+ 32 <= stop,
      !hasNotPlainValueByte(
        base.loadUnaligned(fromByteOffset: j, as: SIMD16<UInt8>.self),
        base.loadUnaligned(fromByteOffset: j &+ 16, as: SIMD16<UInt8>.self))
    {
      j &+= 32
    }
    while j &+ 16 <= stop,
      !hasNotPlainValueByte(base.loadUnaligned(fromByteOffset: j, as: SIMD16<UInt8>.self))
    {
      j &+= 16
    }
    while j &+ 8 <= stop, notPlainValueBytes(base.loadUnaligned(fromByteOffset: j, as: UInt64.self)) == 0 {
      j &+= 8
    }
    return j
  }

  /// `hasNotPlainValueByte` of 32 bytes, one test for both halves (a long value — a bearer token,
  /// a cookie — costs one branch per 32 bytes; docs/performance.md,
  /// "Pass-through and repeated token, round 6").
  @inline(__always)
  static func hasNotPlainValueByte(_ low: SIMD16<UInt8>, _ high: SIMD16<UInt8>) -> Bool {
    let space = SIMD16<UInt8>(repeating: 0x20)
    let del = SIMD16<UInt8>(repeating: 0x7F)
    let bad = (low .<= space) .| (low .== del) .| (high .<= space) .| (high .== del)
    let mask = unsafeBitCast(bad, to: SIMD2<UInt64>.self)
    return mask[0] | mask[1] != 0
  }

  /// True when a byte of `bytes` is not a field-value byte other than whitespace — the test of
  /// `notPlainValueBytes` on sixteen bytes at once: at or below 0x20 (`min(b, 0x20) == b`), or
  /// DEL. Written with comparisons only, which compile to a handful of SSE2 instructions
  /// (`pminub`, `pcmpeqb`, `por`, a mask); the generic `pointwiseMin` and `any` do not inline.
  @inline(__always)
  static func hasNotPlainValueByte(_ bytes: SIMD16<UInt8>) -> Bool {
    let low = bytes .<= SIMD16<UInt8>(repeating: 0x20)
    let bad = low .| (bytes .== SIMD16<UInt8>(repeating: 0x7F))
    let mask = unsafeBitCast(bad, to: SIMD2<UInt64>.self)
    return mask[0] | mask[1] != 0
  }

  /// Zero exactly when every byte of `word` is a field-value byte other than whitespace (`> 0x20`
  /// and not DEL, obs-text included). SWAR: a byte below 0x21 with its top bit clear borrows
  /// into its top bit when 0x21 is subtracted, and a DEL byte is zero after the XOR with 0x7F;
  /// the "any byte" answer of both tests is exact (Hacker's Delight 6-1).
  @inline(__always)
  static func notPlainValueBytes(_ word: UInt64) -> UInt64 {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let high: UInt64 = 0x8080_8080_8080_8080
    let belowBang = (word &- ones &* 0x21) & ~word & high
    let del = word ^ (ones &* 0x7F)
    let hasDel = (del &- ones) & ~del & high
    return belowBang | hasDel
  }
}
