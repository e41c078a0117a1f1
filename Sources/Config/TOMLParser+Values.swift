extension TOMLParser {
  /// A value: string, number, boolean, array or inline table.
  mutating func parseValue() throws(TOMLError) -> TOMLValue {
    guard let byte = peek() else { throw error("expected a value, found end of file") }
    switch byte {
    case UInt8(ascii: "\""):
      if peek(1) == byte && peek(2) == byte { return .string(try parseMultilineBasicString()) }
      return .string(try parseBasicString())
    case UInt8(ascii: "'"):
      if peek(1) == byte && peek(2) == byte { return .string(try parseMultilineLiteralString()) }
      return .string(try parseLiteralString())
    case UInt8(ascii: "["):
      return try nested { (parser: inout TOMLParser) throws(TOMLError) in try parser.parseArray() }
    case UInt8(ascii: "{"):
      return try nested { (parser: inout TOMLParser) throws(TOMLError) in try parser.parseInlineTable() }
    default:
      return try parseBareValue()
    }
  }

  private mutating func nested(
    _ body: (inout TOMLParser) throws(TOMLError) -> TOMLValue
  ) throws(TOMLError) -> TOMLValue {
    guard depth < Self.maxDepth else { throw error("arrays and inline tables are nested too deeply") }
    depth += 1
    defer { depth -= 1 }
    return try body(&self)
  }

  // MARK: - Arrays and inline tables

  private mutating func parseArray() throws(TOMLError) -> TOMLValue {
    advance()  // [
    var elements: [TOMLValue] = []
    var lines: [Int] = []
    while true {
      try skipWhitespaceCommentsAndNewlines()
      if consume(UInt8(ascii: "]")) { break }
      lines.append(line)
      elements.append(try parseValue())
      try skipWhitespaceCommentsAndNewlines()
      if consume(UInt8(ascii: ",")) { continue }
      if consume(UInt8(ascii: "]")) { break }
      throw error("expected `,` or `]` in array, found \(describeCurrent())")
    }
    return .array(TOMLArray(elements: elements, lines: lines))
  }

  /// `{ a = 1, b.c = "x" }` on one line, without a trailing comma (TOML 1.0). The result is closed:
  /// later keys and headers cannot extend it.
  private mutating func parseInlineTable() throws(TOMLError) -> TOMLValue {
    let table = TOMLTableBuilder(origin: .dotted, line: line)
    advance()  // {
    skipWhitespace()
    if consume(UInt8(ascii: "}")) { return .table(table.freeze()) }
    while true {
      skipWhitespace()
      try parseKeyValue(into: table)
      skipWhitespace()
      if consume(UInt8(ascii: "}")) { break }
      if consume(UInt8(ascii: ",")) {
        skipWhitespace()
        if peek() == UInt8(ascii: "}") { throw error("a trailing comma is not allowed in an inline table") }
        continue
      }
      if peek() == UInt8(ascii: "\n") || peek() == UInt8(ascii: "\r") || peek() == UInt8(ascii: "#") {
        throw error("an inline table must be closed with `}` on the same line")
      }
      throw error("expected `,` or `}` in inline table, found \(describeCurrent())")
    }
    return .table(table.freeze())
  }

  // MARK: - Strings

  /// `"..."` with escapes; no line breaks.
  mutating func parseBasicString() throws(TOMLError) -> String {
    advance()  // "
    var out: [UInt8] = []
    while true {
      guard let b = peek() else { throw error("unterminated string") }
      switch b {
      case UInt8(ascii: "\""):
        advance()
        return String(decoding: out, as: UTF8.self)
      case UInt8(ascii: "\\"):
        try parseEscape(into: &out)
      case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
        throw error("unterminated string (a basic string cannot span lines; use \"\"\"...\"\"\")")
      default:
        if Self.isForbiddenControl(b) { throw error("control character \(Self.hex(b)) must be escaped") }
        out.append(b)
        advance()
      }
    }
  }

  /// `"""..."""`: a line break right after the opening quotes is dropped; a backslash at the end
  /// of a line removes the line break and the whitespace that follows.
  private mutating func parseMultilineBasicString() throws(TOMLError) -> String {
    advance(3)
    _ = try consumeNewline()
    var out: [UInt8] = []
    while true {
      guard let b = peek() else { throw error("unterminated multi-line string") }
      switch b {
      case UInt8(ascii: "\""):
        if try closeMultiline(quote: b, into: &out) { return String(decoding: out, as: UTF8.self) }
      case UInt8(ascii: "\\"):
        var probe = position + 1
        while probe < bytes.count && (bytes[probe] == UInt8(ascii: " ") || bytes[probe] == UInt8(ascii: "\t"))
        {
          probe += 1
        }
        if probe < bytes.count && (bytes[probe] == UInt8(ascii: "\n") || bytes[probe] == UInt8(ascii: "\r")) {
          position = probe
          while true {
            skipWhitespace()
            if try !consumeNewline() { break }
          }
        } else {
          try parseEscape(into: &out)
        }
      case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
        _ = try consumeNewline()
        out.append(UInt8(ascii: "\n"))
      default:
        if Self.isForbiddenControl(b) { throw error("control character \(Self.hex(b)) must be escaped") }
        out.append(b)
        advance()
      }
    }
  }

  /// `'...'`: no escapes, no line breaks.
  mutating func parseLiteralString() throws(TOMLError) -> String {
    advance()  // '
    let start = position
    while true {
      guard let b = peek() else { throw error("unterminated string") }
      if b == UInt8(ascii: "'") { break }
      if b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") {
        throw error("unterminated string (a literal string cannot span lines; use '''...''')")
      }
      if Self.isForbiddenControl(b) {
        throw error("control character \(Self.hex(b)) is not allowed in a literal string")
      }
      advance()
    }
    let text = String(decoding: bytes[start..<position], as: UTF8.self)
    advance()
    return text
  }

  private mutating func parseMultilineLiteralString() throws(TOMLError) -> String {
    advance(3)
    _ = try consumeNewline()
    var out: [UInt8] = []
    while true {
      guard let b = peek() else { throw error("unterminated multi-line string") }
      switch b {
      case UInt8(ascii: "'"):
        if try closeMultiline(quote: b, into: &out) { return String(decoding: out, as: UTF8.self) }
      case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
        _ = try consumeNewline()
        out.append(UInt8(ascii: "\n"))
      default:
        if Self.isForbiddenControl(b) {
          throw error("control character \(Self.hex(b)) is not allowed in a literal string")
        }
        out.append(b)
        advance()
      }
    }
  }

  /// At a run of quotes inside a multi-line string: fewer than three are content; three to five
  /// close the string with the extra one or two as content; six or more are an error.
  private mutating func closeMultiline(quote: UInt8, into out: inout [UInt8]) throws(TOMLError) -> Bool {
    var run = 0
    while peek(run) == quote { run += 1 }
    if run > 5 { throw error("too many quotes in a row in a multi-line string") }
    let content = run >= 3 ? run - 3 : run
    out.append(contentsOf: repeatElement(quote, count: content))
    advance(run)
    return run >= 3
  }

  private mutating func parseEscape(into out: inout [UInt8]) throws(TOMLError) {
    let escapeStart = position
    advance()  // backslash
    guard let b = peek() else { throw error("unterminated string") }
    advance()
    switch b {
    case UInt8(ascii: "b"): out.append(0x08)
    case UInt8(ascii: "t"): out.append(0x09)
    case UInt8(ascii: "n"): out.append(0x0A)
    case UInt8(ascii: "f"): out.append(0x0C)
    case UInt8(ascii: "r"): out.append(0x0D)
    case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
    case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
    case UInt8(ascii: "u"), UInt8(ascii: "U"):
      let count = b == UInt8(ascii: "u") ? 4 : 8
      var value: UInt32 = 0
      for _ in 0..<count {
        guard let digit = peek(), let nibble = Self.hexValue(digit) else {
          throw error("\\\(Character(Unicode.Scalar(b))) needs exactly \(count) hex digits", at: escapeStart)
        }
        value = value << 4 | UInt32(nibble)
        advance()
      }
      guard let scalar = Unicode.Scalar(value) else {
        throw error("escape is not a Unicode scalar value", at: escapeStart)
      }
      out.append(contentsOf: Array(String(Character(scalar)).utf8))
    default:
      throw error(
        "invalid escape sequence; valid ones are \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX",
        at: escapeStart)
    }
  }

  static func hexValue(_ b: UInt8) -> UInt8? {
    switch b {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
    default: nil
    }
  }

  // MARK: - Booleans, numbers, refused dates

  /// Everything that is not quoted or bracketed: booleans, integers, floats, inf/nan.
  private mutating func parseBareValue() throws(TOMLError) -> TOMLValue {
    let start = position
    while let b = peek(), Self.isBareValueByte(b) { advance() }
    guard position > start else { throw error("expected a value, found \(describeCurrent())") }
    let token = Array(bytes[start..<position])
    let text = String(decoding: token, as: UTF8.self)
    func invalid(_ message: String) -> TOMLError { error(message, at: start) }
    switch text {
    case "true": return .bool(true)
    case "false": return .bool(false)
    case "inf", "+inf": return .float(.infinity)
    case "-inf": return .float(-.infinity)
    case "nan", "+nan", "-nan": return .float(.nan)
    default: break
    }
    if Self.looksLikeDateOrTime(token) {
      throw invalid("date and time values are not supported in this configuration (found `\(text)`)")
    }
    if token.count > 2 && token[0] == UInt8(ascii: "0"),
      let radix = Self.radix(token[1])
    {
      guard let value = Self.parseRadixInteger(token[2...], radix: radix) else {
        throw invalid("invalid integer `\(text)`")
      }
      return .integer(value)
    }
    let isFloat = token.contains {
      $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E")
    }
    if isFloat {
      guard let value = Self.parseFloat(token) else { throw invalid("invalid number `\(text)`") }
      guard value.isFinite else { throw invalid("float `\(text)` is out of range") }
      return .float(value)
    }
    guard Self.isDecimalInteger(token) else {
      if Self.isLetter(token[0]) && token.allSatisfy({ Self.isBareKeyByte($0) }) {
        throw invalid("expected a value, found `\(text)` (strings must be quoted)")
      }
      throw invalid("invalid number `\(text)`")
    }
    guard let value = Int64(String(decoding: token.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)) else {
      throw invalid("integer `\(text)` is out of range (64-bit)")
    }
    return .integer(value)
  }

  static func isBareValueByte(_ b: UInt8) -> Bool {
    isBareKeyByte(b) || b == UInt8(ascii: "+") || b == UInt8(ascii: ".") || b == UInt8(ascii: ":")
  }

  static func isLetter(_ b: UInt8) -> Bool {
    (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z")
  }

  static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

  /// `1979-05-27…` or `07:32:00…`.
  static func looksLikeDateOrTime(_ t: [UInt8]) -> Bool {
    if t.count >= 5 && t[0..<4].allSatisfy(isDigit) && t[4] == UInt8(ascii: "-") { return true }
    if t.count >= 3 && t[0..<2].allSatisfy(isDigit) && t[2] == UInt8(ascii: ":") { return true }
    return false
  }

  static func radix(_ b: UInt8) -> Int? {
    switch b {
    case UInt8(ascii: "x"): 16
    case UInt8(ascii: "o"): 8
    case UInt8(ascii: "b"): 2
    default: nil
    }
  }

  /// Digits of the radix, `_` only between digits; the value must fit a signed 64-bit integer.
  static func parseRadixInteger(_ digits: ArraySlice<UInt8>, radix: Int) -> Int64? {
    guard Self.underscoresBetweenDigits(digits) else { return nil }
    var value: Int64 = 0
    for b in digits where b != UInt8(ascii: "_") {
      guard let d = hexValue(b), Int(d) < radix else { return nil }
      let (shifted, overflow1) = value.multipliedReportingOverflow(by: Int64(radix))
      let (sum, overflow2) = shifted.addingReportingOverflow(Int64(d))
      if overflow1 || overflow2 { return nil }
      value = sum
    }
    return value
  }

  /// Non-empty, no leading/trailing/double underscore.
  static func underscoresBetweenDigits(_ digits: ArraySlice<UInt8>) -> Bool {
    guard let first = digits.first, let last = digits.last,
      first != UInt8(ascii: "_"), last != UInt8(ascii: "_")
    else { return false }
    var previous: UInt8 = 0
    for b in digits {
      if b == UInt8(ascii: "_") && previous == UInt8(ascii: "_") { return false }
      previous = b
    }
    return true
  }

  /// `[+-]? (0 | [1-9] (_? digit)*)`
  static func isDecimalInteger(_ token: [UInt8]) -> Bool {
    var digits = token[...]
    if let first = digits.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
      digits = digits.dropFirst()
    }
    guard underscoresBetweenDigits(digits),
      digits.allSatisfy({ isDigit($0) || $0 == UInt8(ascii: "_") })
    else { return false }
    return digits.count == 1 || digits.first != UInt8(ascii: "0")
  }

  /// `int-part ( frac | exp | frac exp )` with TOML's digit and underscore rules.
  static func parseFloat(_ token: [UInt8]) -> Double? {
    var rest = token[...]
    var intPart: [UInt8] = []
    if let first = rest.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
      intPart.append(first)
      rest = rest.dropFirst()
    }
    let intDigits = rest.prefix { isDigit($0) || $0 == UInt8(ascii: "_") }
    rest = rest.dropFirst(intDigits.count)
    guard isDecimalInteger(Array(intDigits)) else { return nil }
    var frac: ArraySlice<UInt8> = []
    var exp: ArraySlice<UInt8> = []
    var expSign: UInt8?
    if rest.first == UInt8(ascii: ".") {
      rest = rest.dropFirst()
      frac = rest.prefix { isDigit($0) || $0 == UInt8(ascii: "_") }
      rest = rest.dropFirst(frac.count)
      guard underscoresBetweenDigits(frac) else { return nil }
    }
    if let e = rest.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
      rest = rest.dropFirst()
      if let sign = rest.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
        expSign = sign
        rest = rest.dropFirst()
      }
      exp = rest.prefix { isDigit($0) || $0 == UInt8(ascii: "_") }
      rest = rest.dropFirst(exp.count)
      guard underscoresBetweenDigits(exp) else { return nil }
    }
    guard rest.isEmpty, !frac.isEmpty || !exp.isEmpty else { return nil }
    var text = intPart + intDigits.filter { $0 != UInt8(ascii: "_") }
    if !frac.isEmpty { text += [UInt8(ascii: ".")] + frac.filter { $0 != UInt8(ascii: "_") } }
    if !exp.isEmpty {
      text.append(UInt8(ascii: "e"))
      if let expSign { text.append(expSign) }
      text += exp.filter { $0 != UInt8(ascii: "_") }
    }
    return Double(String(decoding: text, as: UTF8.self))
  }
}
