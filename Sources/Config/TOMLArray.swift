/// A TOML array with the line of each element. `isArrayOfTables` tells `[[name]]` sections apart
/// from an inline `name = [...]` value, so messages can name the form the author wrote. Immutable.
struct TOMLArray: Sendable, Equatable {
  let elements: [TOMLValue]
  /// `lines[i]` is the line where `elements[i]` starts (the `[[...]]` header for arrays of tables).
  let lines: [Int]
  let isArrayOfTables: Bool

  init(elements: [TOMLValue], lines: [Int], isArrayOfTables: Bool = false) {
    precondition(elements.count == lines.count, "one line per element")
    self.elements = elements
    self.lines = lines
    self.isArrayOfTables = isArrayOfTables
  }
}
