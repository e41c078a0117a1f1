/// Byte classes and byte comparisons used by the parsers. Immutable (constants only).
///
/// Classes are 128-bit masks held in two `UInt64` constants rather than a global table: a global
/// `let` array would cost a lazy-initialisation check and a bounds check on every byte.
enum ASCII {
  static let cr: UInt8 = 0x0D
  static let lf: UInt8 = 0x0A
  static let sp: UInt8 = 0x20
  static let htab: UInt8 = 0x09

  @inline(__always)
  static func inMask(_ b: UInt8, _ lo: UInt64, _ hi: UInt64) -> Bool {
    if b < 64 { return (lo >> UInt64(b)) & 1 != 0 }
    if b < 128 { return (hi >> UInt64(b &- 64)) & 1 != 0 }
    return false
  }

  /// RFC 9110 §5.6.2 tchar.
  @inline(__always)
  static func isTChar(_ b: UInt8) -> Bool { inMask(b, 0x03ff_6cfa_0000_0000, 0x57ff_ffff_c7ff_fffe) }

  /// tchar without '%' and '_': the field-name bytes that need no second look (a '%' in a name is
  /// refused, a '_' marks the name for the lookalike check).
  @inline(__always)
  static func isPlainNameChar(_ b: UInt8) -> Bool { inMask(b, 0x03ff_6cda_0000_0000, 0x57ff_ffff_47ff_fffe) }

  @inline(__always)
  static func isHexDigit(_ b: UInt8) -> Bool { inMask(b, 0x03ff_0000_0000_0000, 0x0000_007e_0000_007e) }

  /// Bytes Gatehouse accepts in a Host name: letters, digits, '-', '.', '_' (no sub-delims, no '%').
  @inline(__always)
  static func isRegNameChar(_ b: UInt8) -> Bool { inMask(b, 0x03ff_6000_0000_0000, 0x07ff_fffe_87ff_fffe) }

  /// Bytes inside an IP-literal's brackets: hex digits, ':' and '.' (IPv6, IPv4-embedded IPv6).
  @inline(__always)
  static func isIPv6LiteralChar(_ b: UInt8) -> Bool {
    inMask(b, 0x07ff_4000_0000_0000, 0x0000_007e_0000_007e)
  }

  @inline(__always)
  static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

  @inline(__always)
  static func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) &- 0x61 < 26 }

  /// field-vchar or obs-text; SP and HTAB are handled by the callers as OWS.
  @inline(__always)
  static func isFieldVChar(_ b: UInt8) -> Bool { b > 0x20 && b != 0x7F }

  @inline(__always)
  static func isOWS(_ b: UInt8) -> Bool { b == sp || b == htab }

  @inline(__always)
  static func lower(_ b: UInt8) -> UInt8 { (b &- 0x41 < 26) ? b | 0x20 : b }

  /// Value of a hex digit already checked by `isHexDigit`.
  @inline(__always)
  static func hexValue(_ b: UInt8) -> UInt8 { b <= 0x39 ? b &- 0x30 : (b | 0x20) &- 0x57 }

  /// Case-insensitive comparison of `buffer[start..<start+length]` with a lowercase ASCII literal.
  @inline(__always)
  static func equalsLower(
    _ buffer: UnsafeRawBufferPointer, _ start: Int, _ length: Int, _ literal: StaticString
  ) -> Bool {
    guard length == literal.utf8CodeUnitCount else { return false }
    let lit = literal.utf8Start
    var i = 0
    while i < length {
      if lower(buffer[start &+ i]) != lit[i] { return false }
      i &+= 1
    }
    return true
  }

  /// Like `equalsLower`, but '_' in the buffer compares equal to '-' in the literal: finds names a
  /// backend may fold into another field (`Transfer_Encoding` → `Transfer-Encoding`).
  @inline(__always)
  static func equalsFolded(
    _ buffer: UnsafeRawBufferPointer, _ start: Int, _ length: Int, _ literal: StaticString
  ) -> Bool {
    guard length == literal.utf8CodeUnitCount else { return false }
    let lit = literal.utf8Start
    var i = 0
    while i < length {
      let b = buffer[start &+ i]
      if (b == UInt8(ascii: "_") ? UInt8(ascii: "-") : lower(b)) != lit[i] { return false }
      i &+= 1
    }
    return true
  }

  /// Exact (case-sensitive) comparison of the bytes at `start` with a literal; the caller checked the length.
  @inline(__always)
  static func equalsExact(_ buffer: UnsafeRawBufferPointer, _ start: Int, _ literal: StaticString) -> Bool {
    let lit = literal.utf8Start
    let n = literal.utf8CodeUnitCount
    var i = 0
    while i < n {
      if buffer[start &+ i] != lit[i] { return false }
      i &+= 1
    }
    return true
  }
}
