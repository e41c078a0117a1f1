/// The elements of a `[[name]]` array while the document is being read. Parser-local.
final class TOMLArrayOfTablesBuilder {
  private(set) var tables: [TOMLTableBuilder] = []

  func append(_ table: TOMLTableBuilder) { tables.append(table) }

  func freeze() -> TOMLValue {
    .array(
      TOMLArray(
        elements: tables.map { .table($0.freeze()) }, lines: tables.map(\.line), isArrayOfTables: true))
  }
}
