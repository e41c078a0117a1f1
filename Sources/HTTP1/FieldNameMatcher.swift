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
  let lengths: UInt64

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
  }

  /// True if `name` matches any pattern.
  public func matches(_ name: UnsafeRawBufferPointer) -> Bool {
    let count = name.count
    if count < 64 && lengths & (1 << UInt64(count)) == 0 { return false }
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

  @inline(__always)
  static func fold(_ b: UInt8) -> UInt8 { b == UInt8(ascii: "_") ? UInt8(ascii: "-") : ASCII.lower(b) }
}
