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
    let scheme: [UInt8] = Array("bearer".utf8)
    var index = 0
    while index < value.count, value[index] != 0x20, value[index] != 0x09 { index += 1 }
    guard index == scheme.count else { return .absent }
    for offset in 0..<scheme.count where value[offset] | 0x20 != scheme[offset] { return .absent }
    guard index < value.count, value[index] == 0x20 else { return .malformed }
    while index < value.count, value[index] == 0x20 { index += 1 }
    let start = index
    while index < value.count, isToken68(value[index]) { index += 1 }
    while index < value.count, value[index] == UInt8(ascii: "=") { index += 1 }
    guard index > start, index == value.count else { return .malformed }
    return .token(start..<index)
  }

  /// The value of cookie `name` in a `Cookie` header (`a=b; c=d`), unquoted; nil if absent or empty.
  static func fromCookies(_ cookies: [UInt8], name: [UInt8]) -> Range<Int>? {
    var index = 0
    while index < cookies.count {
      while index < cookies.count, cookies[index] == 0x20 || cookies[index] == 0x3B { index += 1 }
      let nameStart = index
      while index < cookies.count, cookies[index] != UInt8(ascii: "="), cookies[index] != 0x3B { index += 1 }
      let nameEnd = index
      guard index < cookies.count, cookies[index] == UInt8(ascii: "=") else { continue }
      index += 1
      var valueStart = index
      while index < cookies.count, cookies[index] != 0x3B { index += 1 }
      var valueEnd = index
      while valueEnd > valueStart, cookies[valueEnd - 1] == 0x20 { valueEnd -= 1 }
      if nameEnd - nameStart == name.count && cookies[nameStart..<nameEnd].elementsEqual(name) {
        if valueEnd - valueStart >= 2, cookies[valueStart] == 0x22, cookies[valueEnd - 1] == 0x22 {
          valueStart += 1
          valueEnd -= 1
        }
        return valueEnd > valueStart ? valueStart..<valueEnd : nil
      }
    }
    return nil
  }

  @inline(__always)
  static func isToken68(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
      UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"):
      return true
    default: return false
    }
  }
}
