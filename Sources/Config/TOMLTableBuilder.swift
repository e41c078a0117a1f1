/// A table while the document is being read. Tables are reference types here because `[a.b]`
/// headers and dotted keys reopen nested tables; `freeze()` turns the tree into `TOMLTable` values.
/// Parser-local, never shared.
final class TOMLTableBuilder {
  /// How a table came to exist decides what may extend it later (TOML 1.0 "Table" rules).
  enum Origin {
    case root
    /// Created as a parent of a header (`[a]` for `[a.b]`); a later `[a]` may still define it.
    case implicit
    /// Defined by its own `[header]`; defining it again is an error.
    case header
    /// Created by a dotted key (`a.b = 1`); only more dotted keys in the same section extend it.
    case dotted
    /// One `[[element]]` of an array of tables.
    case arrayElement
  }

  enum Node {
    case value(TOMLValue)
    case table(TOMLTableBuilder)
    case arrayOfTables(TOMLArrayOfTablesBuilder)
  }

  struct Entry {
    var node: Node
    let keyLine: Int
    let valueLine: Int
  }

  var origin: Origin
  var line: Int
  private(set) var keys: [String] = []
  private(set) var entries: [String: Entry] = [:]

  init(origin: Origin, line: Int) {
    self.origin = origin
    self.line = line
  }

  subscript(key: String) -> Entry? { entries[key] }

  func add(_ key: String, _ entry: Entry) {
    precondition(entries[key] == nil)
    keys.append(key)
    entries[key] = entry
  }

  func freeze() -> TOMLTable {
    TOMLTable(
      line: line,
      entries: keys.map { key in
        let entry = entries[key]!
        return TOMLTable.Entry(
          key: key, value: entry.node.frozen, keyLine: entry.keyLine, valueLine: entry.valueLine)
      })
  }
}

extension TOMLTableBuilder.Node {
  var frozen: TOMLValue {
    switch self {
    case .value(let value): value
    case .table(let table): .table(table.freeze())
    case .arrayOfTables(let array): array.freeze()
    }
  }

  /// What the node is, for "already defined as …" messages.
  var kindName: String {
    switch self {
    case .value(let value):
      switch value {
      case .table: "an inline table"
      case .integer, .array: "an \(value.typeName)"
      default: "a \(value.typeName)"
      }
    case .table: "a table"
    case .arrayOfTables: "an array of tables"
    }
  }
}
