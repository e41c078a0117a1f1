/// Matches field names against configured patterns: ASCII case-insensitive, '_' and '-' equivalent
/// (so `X_Auth_User` cannot slip past a rule for `X-Auth-User` into an app that maps both to the same
/// CGI variable), and a trailing '*' makes a prefix match (`X-Auth-*`). Immutable: built once from
/// configuration; `matches` allocates nothing.
public struct FieldNameMatcher: Sendable {
  /// All patterns, normalised and concatenated; `entries` index into it.
  let bytes: [UInt8]
  let entries: [Entry]
  /// Bit `n` set when a name of `n` bytes (n < 64) may match: most names are refused on their
  /// length alone, before the pattern table is touched. All bits set when a prefix pattern or a
  /// pattern of 63 bytes or more is configured (names of 64 bytes or more always take the scan).
  @usableFromInline let lengths: UInt64
  /// Bit `b & 63` of word `b >> 6` set when a name whose first byte folds to `b` may match: the
  /// names that pass the length test (every length, once a prefix pattern such as `X-Auth-*` is
  /// configured) are mostly refused on their first byte. Every bit set when a pattern is empty
  /// or only `*`.
  @usableFromInline let firstBytes: (UInt64, UInt64, UInt64, UInt64)

  struct Entry: Sendable {
    var start: Int
    var length: Int
    var isPrefix: Bool
  }

  public init(patterns: [String]) {
    var bytes: [UInt8] = []
    var entries: [Entry] = []
    for pattern in patterns {
      var utf8 = Array(pattern.utf8)
      var isPrefix = false
      if utf8.last == UInt8(ascii: "*") {
        utf8.removeLast()
        isPrefix = true
      }
      entries.append(Entry(start: bytes.count, length: utf8.count, isPrefix: isPrefix))
      for b in utf8 { bytes.append(Self.fold(b)) }
    }
    self.bytes = bytes
    self.entries = entries
    var lengths: UInt64 = 0
    for entry in entries {
      lengths |= entry.isPrefix || entry.length >= 63 ? UInt64.max : 1 << UInt64(entry.length)
    }
    self.lengths = lengths
    var first: [UInt64] = [0, 0, 0, 0]
    for entry in entries {
      if entry.length == 0 {
        first = [.max, .max, .max, .max]
        break
      }
      let b = bytes[entry.start]
      first[Int(b >> 6)] |= 1 << UInt64(b & 63)
    }
    firstBytes = (first[0], first[1], first[2], first[3])
  }

  /// True if `name` matches any pattern. The length and first-byte tests are inlined into the
  /// caller (most names are refused by them: a call per field line cost more than the tests);
  /// the pattern table is scanned out of line.
  @inlinable @inline(__always)
  public func matches(_ name: UnsafeRawBufferPointer) -> Bool {
    let count = name.count
    if count < 64 && lengths & (1 << UInt64(count)) == 0 { return false }
    if count > 0 && !mayStart(with: Self.fold(name[0])) { return false }
    return scan(name)
  }

  /// The pattern table against `name` (the length and first byte may match).
  @usableFromInline
  func scan(_ name: UnsafeRawBufferPointer) -> Bool {
    let count = name.count
    return bytes.withUnsafeBufferPointer { pattern in
      for entry in entries {
        if entry.isPrefix ? count < entry.length : count != entry.length { continue }
        var k = 0
        while k < entry.length {
          if Self.fold(name[k]) != pattern[entry.start &+ k] { break }
          k &+= 1
        }
        if k == entry.length { return true }
      }
      return false
    }
  }

  @inlinable @inline(__always)
  func mayStart(with b: UInt8) -> Bool {
    let word: UInt64
    switch b >> 6 {
    case 0: word = firstBytes.0
    case 1: word = firstBytes.1
    case 2: word = firstBytes.2
    default: word = firstBytes.3
    }
    return word & (1 << UInt64(b & 63)) != 0
  }

  @inlinable @inline(__always)
  static func fold(_ b: UInt8) -> UInt8 {
    // `ASCII.lower`, written out: this is inlined into other modules.
    b == UInt8(ascii: "_") ? UInt8(ascii: "-") : (b &- 0x41 < 26 ? b | 0x20 : b)
  }
}
