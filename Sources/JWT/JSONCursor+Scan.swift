extension JSONCursor {
  /// Checks the object starting at `index` (a `{`) exactly as `parseObject` would — same grammar,
  /// same string, number and depth rules, duplicate names refused — but builds only the member
  /// spans, not the values. Nested objects are parsed in full (they are rare in tokens and must
  /// be checked for duplicates too).
  ///
  /// Duplicate detection compares raw name bytes, which matches the full parser (a dictionary
  /// keyed by `String`, whose equality is canonical equivalence) only for plain ASCII names, and
  /// costs O(n²): with an escaped or non-ASCII name, or more than `JSONObjectSpans.maxCompared`
  /// members, `needsFullParse` is set and the caller must parse the object with
  /// `JSONParser.parse`.
  mutating func scanObject() throws(JSONParseError) -> JSONObjectSpans {
    var spans = JSONObjectSpans(bytes: bytes)
    index += 1  // {
    skipWhitespace()
    if !atEnd && bytes[index] == UInt8(ascii: "}") {
      index += 1
      return spans
    }
    while true {
      skipWhitespace()
      guard !atEnd, bytes[index] == UInt8(ascii: "\"") else { throw error("expected member name") }
      let nameOffset = index
      let nameStart = index + 1
      let plain = try skipString()
      let nameEnd = index - 1
      skipWhitespace()
      guard !atEnd, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
      index += 1
      skipWhitespace()
      let valueStart = index
      try skipValue(depth: 1)
      if !plain || spans.members.count >= JSONObjectSpans.maxCompared {
        spans.needsFullParse = true
      } else if !spans.needsFullParse && spans.contains(nameStart, nameEnd) {
        throw JSONParseError(offset: nameOffset, reason: "duplicate member name")
      }
      spans.members.append(
        JSONObjectSpans.Member(
          nameStart: nameStart, nameEnd: nameEnd, valueStart: valueStart, valueEnd: index))
      if try closesAfterMember(UInt8(ascii: "}"), "object") { return spans }
    }
  }

  /// Moves past one value, checking it as `parseValue` would.
  mutating func skipValue(depth: Int) throws(JSONParseError) {
    guard !atEnd else { throw error("unexpected end") }
    switch bytes[index] {
    case UInt8(ascii: "{"): _ = try parseObject(depth: depth + 1)
    case UInt8(ascii: "["): try skipArray(depth: depth + 1)
    case UInt8(ascii: "\""): _ = try skipString()
    case UInt8(ascii: "t"): _ = try expectLiteral("true", .bool(true))
    case UInt8(ascii: "f"): _ = try expectLiteral("false", .bool(false))
    case UInt8(ascii: "n"): _ = try expectLiteral("null", .null)
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      let start = index
      let isInteger = try scanNumber()
      // Only a long integer or a fraction/exponent can be out of range: check those the slow way.
      if !isInteger || index - start > 18 {
        index = start
        _ = try parseNumber()
      }
    default: throw error("unexpected character")
    }
  }

  mutating func skipArray(depth: Int) throws(JSONParseError) {
    if depth > maxDepth { throw error("nesting deeper than \(maxDepth)") }
    index += 1  // [
    skipWhitespace()
    if !atEnd && bytes[index] == UInt8(ascii: "]") {
      index += 1
      return
    }
    while true {
      skipWhitespace()
      try skipValue(depth: depth)
      if try closesAfterMember(UInt8(ascii: "]"), "array") { return }
    }
  }

  /// Moves past one string, checking it as `parseString` would; true when it is plain ASCII
  /// (no escape, no byte above 0x7F), which needs no `String` to check. Anything else is checked
  /// by `parseString` itself.
  mutating func skipString() throws(JSONParseError) -> Bool {
    let quote = index
    index += 1
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        index += 1
        return true
      }
      if byte == UInt8(ascii: "\\") || byte >= 0x80 { break }
      if byte < 0x20 { throw error("control character in string") }
      index += 1
    }
    index = quote
    _ = try parseString()
    return false
  }
}
