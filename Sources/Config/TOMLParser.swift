import Codecs

/// A strict parser for the part of TOML 1.0 that configuration files use: comments, bare, quoted
/// and dotted keys, all four string forms, integers (decimal, hex, octal, binary), floats,
/// booleans, arrays, inline tables, `[tables]` and `[[arrays.of.tables]]`. Date-time values are
/// refused with a message (no Gatehouse key takes one).
///
/// Why not a library: every configuration error must name the line of its key, and TOMLKit
/// (toml++) reports positions only for syntax errors. The result keeps the line of every key and
/// value. Parsing stops at the first error. Works on the UTF-8 bytes; not thread-bound (a value).
struct TOMLParser {
  let bytes: [UInt8]
  var position = 0
  var line = 1
  var lineStart = 0
  var depth = 0

  /// Nesting limit for arrays and inline tables, so hostile input cannot exhaust the stack.
  static let maxDepth = 64

  init(_ text: String) {
    bytes = Array(text.utf8)
  }

  /// Parses a whole document into its root table (whose `line` is 0).
  static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
    var parser = TOMLParser(text)
    return try parser.parseDocument()
  }

  mutating func parseDocument() throws(TOMLError) -> TOMLTable {
    let root = TOMLTableBuilder(origin: .root, line: 0)
    var current = root
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
      position = 3
      lineStart = 3
    }
    while true {
      skipWhitespace()
      guard let byte = peek() else { break }
      switch byte {
      case UInt8(ascii: "#"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
        break
      case UInt8(ascii: "["):
        current = try parseHeader(root: root)
      default:
        try parseKeyValue(into: current)
      }
      try expectEndOfLine()
    }
    return root.freeze()
  }

  // MARK: - Headers

  private mutating func parseHeader(root: TOMLTableBuilder) throws(TOMLError) -> TOMLTableBuilder {
    let headerLine = line
    advance()  // [
    let isArray = peek() == UInt8(ascii: "[")
    if isArray { advance() }
    skipWhitespace()
    let path = try parseKey()
    skipWhitespace()
    guard consume(UInt8(ascii: "]")) else {
      throw error(
        isArray
          ? "expected `]]` to close the array-of-tables header" : "expected `]` to close the table header")
    }
    if isArray {
      guard consume(UInt8(ascii: "]")) else {
        throw error("expected `]]` to close the array-of-tables header")
      }
    }
    let name = path.map(\.display).joined(separator: ".")
    var table = root
    for (index, part) in path.dropLast().enumerated() {
      let prefix = path[...index].map(\.display).joined(separator: ".")
      if let existing = table[part.name] {
        switch existing.node {
        case .table(let sub): table = sub
        case .arrayOfTables(let array): table = array.tables[array.tables.count - 1]
        case .value:
          throw error(
            "cannot define [\(name)]: `\(prefix)` is already \(existing.node.kindName) (line \(existing.keyLine))",
            line: headerLine)
        }
      } else {
        let sub = TOMLTableBuilder(origin: .implicit, line: headerLine)
        table.add(part.name, .init(node: .table(sub), keyLine: headerLine, valueLine: headerLine))
        table = sub
      }
    }
    let last = path[path.count - 1].name
    if isArray {
      let element = TOMLTableBuilder(origin: .arrayElement, line: headerLine)
      if let existing = table[last] {
        guard case .arrayOfTables(let array) = existing.node else {
          throw error(
            "cannot define [[\(name)]]: `\(name)` is already \(existing.node.kindName) (line \(existing.keyLine))",
            line: headerLine)
        }
        array.append(element)
      } else {
        let array = TOMLArrayOfTablesBuilder()
        array.append(element)
        table.add(last, .init(node: .arrayOfTables(array), keyLine: headerLine, valueLine: headerLine))
      }
      return element
    }
    if let existing = table[last] {
      if case .table(let sub) = existing.node, sub.origin == .implicit {
        sub.origin = .header
        sub.line = headerLine
        return sub
      }
      if case .table(let sub) = existing.node, sub.origin == .header {
        throw error("table [\(name)] is already defined at line \(sub.line)", line: headerLine)
      }
      throw error(
        "cannot define [\(name)]: `\(name)` is already \(existing.node.kindName) (line \(existing.keyLine))",
        line: headerLine)
    }
    let sub = TOMLTableBuilder(origin: .header, line: headerLine)
    table.add(last, .init(node: .table(sub), keyLine: headerLine, valueLine: headerLine))
    return sub
  }

  // MARK: - Keys

  struct KeyPart {
    let name: String
    /// How the part is shown in messages: bare keys as written, others quoted.
    let display: String
  }

  /// `key`, `"quoted key"`, `'literal'`, or dotted combinations with optional spaces around dots.
  mutating func parseKey() throws(TOMLError) -> [KeyPart] {
    var parts: [KeyPart] = []
    while true {
      parts.append(try parseKeyPart())
      skipWhitespace()
      guard consume(UInt8(ascii: ".")) else { return parts }
      skipWhitespace()
    }
  }

  private mutating func parseKeyPart() throws(TOMLError) -> KeyPart {
    guard let byte = peek() else { throw error("expected a key, found end of file") }
    if byte == UInt8(ascii: "\"") {
      let name = try parseBasicString()
      return KeyPart(name: name, display: "\"\(name)\"")
    }
    if byte == UInt8(ascii: "'") {
      let name = try parseLiteralString()
      return KeyPart(name: name, display: "'\(name)'")
    }
    let start = position
    while let b = peek(), Self.isBareKeyByte(b) { advance() }
    guard position > start else { throw error("expected a key, found \(describeCurrent())") }
    let name = String(decoding: bytes[start..<position], as: UTF8.self)
    return KeyPart(name: name, display: name)
  }

  static func isBareKeyByte(_ b: UInt8) -> Bool {
    switch b {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
      true
    default: false
    }
  }

  // MARK: - Key/value pairs

  /// `key = value` into `table`; dotted keys create (or extend) tables made by dotted keys only.
  mutating func parseKeyValue(into table: TOMLTableBuilder) throws(TOMLError) {
    let keyLine = line
    let keyColumn = column()
    let path = try parseKey()
    skipWhitespace()
    guard consume(UInt8(ascii: "=")) else {
      throw error(
        "expected `=` after key `\(path.map(\.display).joined(separator: "."))`, found \(describeCurrent())")
    }
    skipWhitespace()
    let valueLine = line
    let value = try parseValue()
    var target = table
    for (index, part) in path.dropLast().enumerated() {
      if let existing = target[part.name] {
        guard case .table(let sub) = existing.node, sub.origin == .dotted else {
          let prefix = path[...index].map(\.display).joined(separator: ".")
          throw TOMLError(
            line: keyLine, column: keyColumn,
            message:
              "cannot add to `\(prefix)`: it is already \(existing.node.kindName) (line \(existing.keyLine))"
          )
        }
        target = sub
      } else {
        let sub = TOMLTableBuilder(origin: .dotted, line: keyLine)
        target.add(part.name, .init(node: .table(sub), keyLine: keyLine, valueLine: keyLine))
        target = sub
      }
    }
    let last = path[path.count - 1]
    if let existing = target[last.name] {
      let full = path.map(\.display).joined(separator: ".")
      throw TOMLError(
        line: keyLine, column: keyColumn,
        message: "duplicate key `\(full)` (first defined at line \(existing.keyLine))")
    }
    target.add(last.name, .init(node: .value(value), keyLine: keyLine, valueLine: valueLine))
  }

  // MARK: - Cursor

  func peek(_ offset: Int = 0) -> UInt8? {
    let index = position + offset
    return index < bytes.count ? bytes[index] : nil
  }

  mutating func advance(_ count: Int = 1) { position += count }

  mutating func consume(_ byte: UInt8) -> Bool {
    guard peek() == byte else { return false }
    advance()
    return true
  }

  /// Consumes LF or CRLF if present; a bare CR is an error.
  mutating func consumeNewline() throws(TOMLError) -> Bool {
    if peek() == UInt8(ascii: "\n") {
      advance()
    } else if peek() == UInt8(ascii: "\r") {
      guard peek(1) == UInt8(ascii: "\n") else {
        throw error("a carriage return must be followed by a line feed")
      }
      advance(2)
    } else {
      return false
    }
    line += 1
    lineStart = position
    return true
  }

  mutating func skipWhitespace() {
    while let b = peek(), b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") { advance() }
  }

  /// Skips a `#` comment up to (not including) the line break.
  mutating func skipComment() throws(TOMLError) {
    guard peek() == UInt8(ascii: "#") else { return }
    advance()
    while let b = peek(), b != UInt8(ascii: "\n") {
      if b == UInt8(ascii: "\r") && peek(1) == UInt8(ascii: "\n") { return }
      if Self.isForbiddenControl(b) {
        throw error("control character \(Self.hex(b)) is not allowed in a comment")
      }
      advance()
    }
  }

  /// Whitespace, comments and line breaks, as allowed between array elements.
  mutating func skipWhitespaceCommentsAndNewlines() throws(TOMLError) {
    while true {
      skipWhitespace()
      try skipComment()
      if try !consumeNewline() { return }
    }
  }

  /// After a header or key/value pair: optional whitespace and comment, then a line break or EOF.
  mutating func expectEndOfLine() throws(TOMLError) {
    skipWhitespace()
    try skipComment()
    if peek() == nil { return }
    if try !consumeNewline() {
      throw error("expected a line break after the value, found \(describeCurrent())")
    }
  }

  /// Control characters other than tab (and line breaks, which callers handle).
  static func isForbiddenControl(_ b: UInt8) -> Bool {
    (b < 0x20 && b != UInt8(ascii: "\t")) || b == 0x7F
  }

  static func hex(_ b: UInt8) -> String {
    "U+00" + String(decoding: [Hex.upperDigit(b >> 4), Hex.upperDigit(b)], as: UTF8.self)
  }

  func column(at index: Int? = nil) -> Int {
    let end = index ?? position
    var count = 1
    var i = lineStart
    while i < end && i < bytes.count {
      if bytes[i] & 0xC0 != 0x80 { count += 1 }
      i += 1
    }
    return count
  }

  func error(_ message: String, line: Int? = nil, at index: Int? = nil) -> TOMLError {
    if let line, line != self.line { return TOMLError(line: line, column: 1, message: message) }
    return TOMLError(line: self.line, column: column(at: index), message: message)
  }

  /// The current character for messages: "`x`", "end of file", "a line break".
  func describeCurrent() -> String {
    guard let b = peek() else { return "end of file" }
    if b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") { return "a line break" }
    if b < 0x20 || b == 0x7F { return Self.hex(b) }
    var end = position + 1
    while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }
    return "`\(String(decoding: bytes[position..<end], as: UTF8.self))`"
  }
}
