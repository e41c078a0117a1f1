/// A TOML syntax or structure error (bad token, duplicate key, table defined twice) at a 1-based
/// line and column (columns count Unicode scalars). Parsing stops at the first one: after a syntax
/// error the rest of the document cannot be read reliably. Immutable.
struct TOMLError: Error, Sendable, Equatable, CustomStringConvertible {
  let line: Int
  let column: Int
  let message: String

  init(line: Int, column: Int, message: String) {
    self.line = line
    self.column = column
    self.message = message
  }

  var description: String { "line \(line), column \(column): \(message)" }
}
