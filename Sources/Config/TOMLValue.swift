/// One TOML value. Positions live in the containers (`TOMLTable.Entry`, `TOMLArray.lines`), so a
/// value compares equal to the same value written on another line. Immutable.
///
/// Offset date-times and local dates/times are deliberately absent: Gatehouse's configuration has no
/// key that takes one, and the parser refuses them with a clear message instead.
enum TOMLValue: Sendable, Equatable {
  case string(String)
  case integer(Int64)
  case float(Double)
  case bool(Bool)
  case array(TOMLArray)
  case table(TOMLTable)

  /// The TOML name of the value's type, for messages ("expected a string, found integer").
  var typeName: String {
    switch self {
    case .string: "string"
    case .integer: "integer"
    case .float: "float"
    case .bool: "boolean"
    case .array(let array): array.isArrayOfTables ? "array of tables" : "array"
    case .table: "table"
    }
  }
}
