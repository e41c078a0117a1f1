/// A TOML table: its keys in the order they were written, each with the line of the key and the
/// line where its value starts. Keeping both lets configuration errors point at the key (unknown
/// key) or at the value (invalid value), which differ for multi-line arrays and strings. Immutable.
public struct TOMLTable: Sendable, Equatable {
  /// One key of the table and its value.
  public struct Entry: Sendable, Equatable {
    public let key: String
    public let value: TOMLValue
    public let keyLine: Int
    public let valueLine: Int

    public init(key: String, value: TOMLValue, keyLine: Int, valueLine: Int) {
      self.key = key
      self.value = value
      self.keyLine = keyLine
      self.valueLine = valueLine
    }
  }

  /// The line that opened the table: its `[header]`, the first key that created it, or 0 for the
  /// document root.
  public let line: Int
  /// Entries in source order.
  public let entries: [Entry]
  private let index: [String: Int]

  /// Keys must be unique (the parser guarantees it).
  public init(line: Int, entries: [Entry]) {
    self.line = line
    self.entries = entries
    var index: [String: Int] = [:]
    for (position, entry) in entries.enumerated() {
      precondition(index.updateValue(position, forKey: entry.key) == nil, "duplicate key \(entry.key)")
    }
    self.index = index
  }

  public var keys: [String] { entries.map(\.key) }
  public var isEmpty: Bool { entries.isEmpty }

  public func entry(_ key: String) -> Entry? {
    guard let position = index[key] else { return nil }
    return entries[position]
  }

  public subscript(key: String) -> TOMLValue? { entry(key)?.value }
}
