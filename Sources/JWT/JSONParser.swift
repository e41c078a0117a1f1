/// A small strict JSON parser (RFC 8259) for JOSE headers, claims and JWKS documents.
///
/// Why not Foundation's `JSONSerialization`: it silently keeps one of two duplicate member names,
/// and a JWT whose `sub` or `aud` appears twice must be refused (RFC 7515 §5.2, RFC 8725 §3.2 —
/// two parsers could otherwise read different claims). Also refused: a byte-order mark, trailing
/// content, control characters and invalid UTF-8 in strings, lone surrogates, leading zeros,
/// `NaN`/`Infinity`, and nesting deeper than `maxDepth`. Whitespace is the four JSON characters only.
/// Stateless, thread-safe.
public enum JSONParser {
  public static let defaultMaxDepth = 32

  /// Parses one complete JSON text.
  public static func parse(_ input: UnsafeBufferPointer<UInt8>, maxDepth: Int = defaultMaxDepth)
    throws(JSONParseError) -> JSONValue
  {
    var cursor = JSONCursor(bytes: input, maxDepth: maxDepth)
    cursor.skipWhitespace()
    let value = try cursor.parseValue(depth: 0)
    cursor.skipWhitespace()
    if cursor.index != input.count { throw cursor.error("trailing content") }
    return value
  }

  /// Checks one complete JSON text that must be an object, as strictly as `parse`, and returns
  /// its members as spans of `input` (values not built). Nil when the text does not start with
  /// `{` (the caller parses it with `parse` for the exact error). When the result's
  /// `needsFullParse` is set (escaped names, very many members) duplicate names have not been
  /// checked and look-ups by raw name are not exact: call `resolveFully()` on it.
  static func scanObject(_ input: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONObjectSpans? {
    var cursor = JSONCursor(bytes: input, maxDepth: defaultMaxDepth)
    cursor.skipWhitespace()
    guard !cursor.atEnd, input[cursor.index] == UInt8(ascii: "{") else { return nil }
    let spans = try cursor.scanObject()
    cursor.skipWhitespace()
    if cursor.index != input.count { throw cursor.error("trailing content") }
    return spans
  }

  public static func parse(_ input: [UInt8], maxDepth: Int = defaultMaxDepth) throws(JSONParseError)
    -> JSONValue
  {
    let result: Result<JSONValue, JSONParseError> = input.withUnsafeBufferPointer { buffer in
      do throws(JSONParseError) { return .success(try parse(buffer, maxDepth: maxDepth)) } catch {
        return .failure(error)
      }
    }
    return try result.get()
  }

  public static func parse(_ input: String, maxDepth: Int = defaultMaxDepth) throws(JSONParseError)
    -> JSONValue
  {
    try parse(Array(input.utf8), maxDepth: maxDepth)
  }
}

/// The parser's position in one JSON text. Used by one call on one thread; never stored.
struct JSONCursor {
  let bytes: UnsafeBufferPointer<UInt8>
  let maxDepth: Int
  var index = 0

  init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
    self.bytes = bytes
    self.maxDepth = maxDepth
  }

  func error(_ reason: String) -> JSONParseError { JSONParseError(offset: index, reason: reason) }

  var atEnd: Bool { index >= bytes.count }

  mutating func skipWhitespace() {
    while index < bytes.count {
      switch bytes[index] {
      case 0x20, 0x09, 0x0A, 0x0D: index += 1
      default: return
      }
    }
  }

  mutating func expectLiteral(_ literal: StaticString, _ value: JSONValue) throws(JSONParseError) -> JSONValue
  {
    let count = literal.utf8CodeUnitCount
    guard bytes.count - index >= count else { throw error("invalid literal") }
    let start = literal.utf8Start
    for offset in 0..<count where bytes[index + offset] != start[offset] {
      throw error("invalid literal")
    }
    index += count
    return value
  }

  mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
    guard !atEnd else { throw error("unexpected end") }
    switch bytes[index] {
    case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
    case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"): return try expectLiteral("true", .bool(true))
    case UInt8(ascii: "f"): return try expectLiteral("false", .bool(false))
    case UInt8(ascii: "n"): return try expectLiteral("null", .null)
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
    default: throw error("unexpected character")
    }
  }

  mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
    if depth > maxDepth { throw error("nesting deeper than \(maxDepth)") }
    index += 1  // {
    var members: [String: JSONValue] = [:]
    skipWhitespace()
    if !atEnd && bytes[index] == UInt8(ascii: "}") {
      index += 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      guard !atEnd, bytes[index] == UInt8(ascii: "\"") else { throw error("expected member name") }
      let nameOffset = index
      let name = try parseString()
      skipWhitespace()
      guard !atEnd, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
      index += 1
      skipWhitespace()
      let value = try parseValue(depth: depth)
      if members.updateValue(value, forKey: name) != nil {
        throw JSONParseError(offset: nameOffset, reason: "duplicate member name")
      }
      if try closesAfterMember(UInt8(ascii: "}"), "object") { return .object(members) }
    }
  }

  mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
    if depth > maxDepth { throw error("nesting deeper than \(maxDepth)") }
    index += 1  // [
    var values: [JSONValue] = []
    skipWhitespace()
    if !atEnd && bytes[index] == UInt8(ascii: "]") {
      index += 1
      return .array(values)
    }
    while true {
      skipWhitespace()
      values.append(try parseValue(depth: depth))
      if try closesAfterMember(UInt8(ascii: "]"), "array") { return .array(values) }
    }
  }

  /// After a member or element: skips whitespace, then consumes `,` (false: another follows) or
  /// `close` (true: the container ends); anything else is an error.
  mutating func closesAfterMember(_ close: UInt8, _ container: StaticString) throws(JSONParseError) -> Bool {
    skipWhitespace()
    guard !atEnd else { throw error("unexpected end in \(container)") }
    let byte = bytes[index]
    index += 1
    if byte == UInt8(ascii: ",") { return false }
    if byte == close { return true }
    index -= 1
    throw error("expected ',' or '\(Character(Unicode.Scalar(close)))'")
  }

  mutating func hex4() throws(JSONParseError) -> UInt32 {
    guard bytes.count - index >= 4 else { throw error("short \\u escape") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[index]
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: throw error("bad hex digit in \\u escape")
      }
      value = value << 4 | UInt32(digit)
      index += 1
    }
    return value
  }

  mutating func parseString() throws(JSONParseError) -> String {
    index += 1  // opening quote
    let start = index
    // Fast path: no escapes.
    var high: UInt8 = 0
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
        index += 1
        // ASCII needs no validation; `String(validating:)` runs unspecialised (generic metadata
        // look-ups), so it is kept for the non-ASCII case.
        if high & 0x80 == 0 { return String(decoding: slice, as: UTF8.self) }
        guard let text = String(validating: slice, as: UTF8.self) else {
          throw JSONParseError(offset: start, reason: "invalid UTF-8 in string")
        }
        return text
      }
      if byte == UInt8(ascii: "\\") { break }
      if byte < 0x20 { throw error("control character in string") }
      high |= byte
      index += 1
    }
    var out = [UInt8](UnsafeBufferPointer(rebasing: bytes[start..<index]))
    while true {
      guard index < bytes.count else { throw error("unterminated string") }
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        index += 1
        guard let text = String(validating: out, as: UTF8.self) else {
          throw JSONParseError(offset: start, reason: "invalid UTF-8 in string")
        }
        return text
      }
      if byte < 0x20 { throw error("control character in string") }
      if byte != UInt8(ascii: "\\") {
        out.append(byte)
        index += 1
        continue
      }
      index += 1
      guard index < bytes.count else { throw error("unterminated escape") }
      let escape = bytes[index]
      index += 1
      switch escape {
      case UInt8(ascii: "\""): out.append(0x22)
      case UInt8(ascii: "\\"): out.append(0x5C)
      case UInt8(ascii: "/"): out.append(0x2F)
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "u"):
        var scalar = try hex4()
        if scalar >= 0xD800 && scalar <= 0xDBFF {
          guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"),
            bytes[index + 1] == UInt8(ascii: "u")
          else { throw error("lone high surrogate") }
          index += 2
          let low = try hex4()
          guard low >= 0xDC00 && low <= 0xDFFF else { throw error("high surrogate without low surrogate") }
          scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
          throw error("lone low surrogate")
        }
        // Scalar is valid here (surrogates handled above).
        out.append(contentsOf: Array(String(Unicode.Scalar(scalar)!).utf8))
      default: throw error("invalid escape")
      }
    }
  }

  mutating func parseNumber() throws(JSONParseError) -> JSONValue {
    let start = index
    let isInteger = try scanNumber()
    // Up to 18 digits always fit Int64: accumulate directly instead of going through a String.
    let digits = index - start - (bytes[start] == UInt8(ascii: "-") ? 1 : 0)
    if isInteger && digits <= 18 {
      var value: Int64 = 0
      var position = bytes[start] == UInt8(ascii: "-") ? start + 1 : start
      while position < index {
        value = value &* 10 &+ Int64(bytes[position] &- UInt8(ascii: "0"))
        position += 1
      }
      return .int(bytes[start] == UInt8(ascii: "-") ? -value : value)
    }
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    if isInteger, let value = Int64(text) { return .int(value) }
    guard let value = Double(text), value.isFinite else {
      throw JSONParseError(offset: start, reason: "number out of range")
    }
    return .double(value)
  }

  /// Moves past one number (RFC 8259 §6 grammar); true when it has neither fraction nor exponent.
  mutating func scanNumber() throws(JSONParseError) -> Bool {
    var isInteger = true
    if bytes[index] == UInt8(ascii: "-") { index += 1 }
    guard !atEnd, isDigit(bytes[index]) else { throw error("expected digit") }
    if bytes[index] == UInt8(ascii: "0") {
      index += 1
      if !atEnd && isDigit(bytes[index]) { throw error("leading zero") }
    } else {
      while !atEnd && isDigit(bytes[index]) { index += 1 }
    }
    if !atEnd && bytes[index] == UInt8(ascii: ".") {
      isInteger = false
      index += 1
      guard !atEnd, isDigit(bytes[index]) else { throw error("expected digit after '.'") }
      while !atEnd && isDigit(bytes[index]) { index += 1 }
    }
    if !atEnd && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
      isInteger = false
      index += 1
      if !atEnd && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) { index += 1 }
      guard !atEnd, isDigit(bytes[index]) else { throw error("expected digit in exponent") }
      while !atEnd && isDigit(bytes[index]) { index += 1 }
    }
    return isInteger
  }

  func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
