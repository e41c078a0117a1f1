import HTTP1

/// Finds the bearer token of a request (RFC 6750 §2.1, §2.2-style cookie). Stateless.
enum BearerToken {
  /// What the `Authorization` field held.
  enum Extraction: Equatable {
    /// The token's byte range in the field value.
    case token(Range<Int>)
    /// Another scheme (or none): the request carries no bearer token.
    case absent
    /// `Bearer` but not followed by exactly one well-formed token.
    case malformed
  }

  /// `Bearer` (any case), one or more spaces, then one token68 (RFC 7235 §2.1: ALPHA / DIGIT /
  /// `-._~+/`, then optional `=` padding) and nothing after it. The parser already trimmed the
  /// field's surrounding whitespace.
  static func fromAuthorization(_ value: [UInt8]) -> Extraction {
    value.withUnsafeBufferPointer { fromAuthorization($0) }
  }

  static func fromAuthorization(_ value: UnsafeBufferPointer<UInt8>) -> Extraction {
    let scheme: StaticString = "bearer"
    var index = 0
    while index < value.count, value[index] != 0x20, value[index] != 0x09 { index += 1 }
    guard index == scheme.utf8CodeUnitCount else { return .absent }
    for offset in 0..<index where value[offset] | 0x20 != scheme.utf8Start[offset] { return .absent }
    guard index < value.count, value[index] == 0x20 else { return .malformed }
    while index < value.count, value[index] == 0x20 { index += 1 }
    let start = index
    let low = token68Low
    let high = token68High
    while index < value.count, isToken68(value[index], low: low, high: high) { index += 1 }
    while index < value.count, value[index] == UInt8(ascii: "=") { index += 1 }
    guard index > start, index == value.count else { return .malformed }
    return .token(start..<index)
  }

  /// True when `token` is one token68 (the characters, then optional `=` padding), as
  /// `fromAuthorization` demands of the token it returns.
  static func isToken68(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
    var index = 0
    while index < token.count, isToken68(token[index], low: token68Low, high: token68High) { index += 1 }
    while index < token.count, token[index] == UInt8(ascii: "=") { index += 1 }
    return index > 0 && index == token.count
  }

  /// Where the token would start — after `Bearer` (any case) and its spaces — without looking
  /// at the token's bytes; nil when the field does not start so or nothing follows. For finding
  /// a token granted before (whose bytes were checked then), and for handing a token to the JWT
  /// validator, whose strict base64url checks every byte anyway (a subset of token68); anything
  /// else goes through `fromAuthorization`.
  static func tokenStart(_ value: UnsafeBufferPointer<UInt8>) -> Int? {
    let scheme: StaticString = "bearer"
    let length = scheme.utf8CodeUnitCount
    guard value.count > length &+ 1, value[length] == 0x20 else { return nil }
    for offset in 0..<length where value[offset] | 0x20 != scheme.utf8Start[offset] { return nil }
    var index = length &+ 1
    while index < value.count, value[index] == 0x20 { index &+= 1 }
    return index < value.count ? index : nil
  }

  /// The value of cookie `name` in a `Cookie` header (`a=b; c=d`), unquoted; nil if absent,
  /// empty, or present more than once (`CookieLookup.ambiguous`: which one is ours cannot be
  /// told, as for the session cookie). Parsing is HTTP1's `CookieHeader`.
  static func fromCookies(_ cookies: [UInt8], name: [UInt8]) -> Range<Int>? {
    let lookup = name.withUnsafeBufferPointer { nameBytes in
      cookies.withUnsafeBufferPointer { CookieHeader.lookup(name: nameBytes, in: $0) }
    }
    guard case .found(let range) = lookup else { return nil }
    var start = range.lowerBound
    var end = range.upperBound
    if end - start >= 2, cookies[start] == 0x22, cookies[end - 1] == 0x22 {
      start += 1
      end -= 1
    }
    return end > start ? start..<end : nil
  }

  /// token68 characters as a 128-bit set (bit `b` set for byte `b`): one shift and test per
  /// byte instead of a chain of range comparisons, over a ~600-byte token on every request.
  private static let token68Low: UInt64 = {
    var mask: UInt64 = 0
    for byte in UInt8(ascii: "0")...UInt8(ascii: "9") { mask |= 1 << UInt64(byte) }
    for byte in [UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "+"), UInt8(ascii: "/")] {
      mask |= 1 << UInt64(byte)
    }
    return mask
  }()
  private static let token68High: UInt64 = {
    var mask: UInt64 = 0
    for byte in UInt8(ascii: "A")...UInt8(ascii: "Z") { mask |= 1 << UInt64(byte - 64) }
    for byte in UInt8(ascii: "a")...UInt8(ascii: "z") { mask |= 1 << UInt64(byte - 64) }
    for byte in [UInt8(ascii: "_"), UInt8(ascii: "~")] { mask |= 1 << UInt64(byte - 64) }
    return mask
  }()

  /// Branch-free apart from the non-ASCII test (never taken for a real token): base64url mixes
  /// digits and `-` (below 64) with letters (above) at random, so a branch on the half would be
  /// mispredicted about every other byte.
  @inline(__always)
  static func isToken68(_ byte: UInt8, low: UInt64, high: UInt64) -> Bool {
    let word = byte & 0x40 == 0 ? low : high
    return byte < 0x80 && (word >> UInt64(byte & 63)) & 1 != 0
  }
}
