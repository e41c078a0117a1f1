/// A TOML table: its keys in the order they were written, each with the line of the key and the
/// line where its value starts. Keeping both lets configuration errors point at the key (unknown
/// key) or at the value (invalid value), which differ for multi-line arrays and strings. Immutable.
struct TOMLTable: Sendable, Equatable {
  /// One key of the table and its value.
  struct Entry: Sendable, Equatable {
    let key: String
    let value: TOMLValue
    let keyLine: Int
    let valueLine: Int

    init(key: String, value: TOMLValue, keyLine: Int, valueLine: Int) {
      self.key = key
      self.value = value
      self.keyLine = keyLine
      self.valueLine = valueLine
    }
  }

  /// The line that opened the table: its `[header]`, the first key that created it, or 0 for the
  /// document root.
  let line: Int
  /// Entries in source order.
  let entries: [Entry]
  private let index: [String: Int]

  /// Keys must be unique (the parser guarantees it).
  init(line: Int, entries: [Entry]) {
    self.line = line
    self.entries = entries
    var index: [String: Int] = [:]
    for (position, entry) in entries.enumerated() {
      precondition(index.updateValue(position, forKey: entry.key) == nil, "duplicate key \(entry.key)")
    }
    self.index = index
  }

  var keys: [String] { entries.map(\.key) }
  var isEmpty: Bool { entries.isEmpty }

  func entry(_ key: String) -> Entry? {
    guard let position = index[key] else { return nil }
    return entries[position]
  }

  subscript(key: String) -> TOMLValue? { entry(key)?.value }
}
