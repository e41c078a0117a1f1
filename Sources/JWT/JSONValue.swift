import Codecs

/// A parsed JSON value (RFC 8259). Immutable, Sendable.
///
/// Numbers keep their lexical kind: an integer literal that fits is `.int`, anything with a
/// fraction or exponent (or too large for Int64) is `.double`. Equality is structural, so `1` and
/// `1.0` differ; claim comparisons use what the issuer wrote.
public enum JSONValue: Sendable, Equatable, CustomStringConvertible {
  case null
  case bool(Bool)
  case int(Int64)
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  /// The member `name` of an object, else nil.
  public subscript(name: String) -> JSONValue? {
    if case .object(let members) = self { return members[name] }
    return nil
  }

  public var stringValue: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  /// The value of an integer, or of a double with no fraction that fits Int64.
  public var int64Value: Int64? {
    switch self {
    case .int(let value): return value
    case .double(let value):
      guard value.rounded(.towardZero) == value, value >= -9.2e18, value <= 9.2e18 else { return nil }
      return Int64(value)
    default: return nil
    }
  }

  /// The value of any number as a Double.
  public var numberValue: Double? {
    switch self {
    case .int(let value): return Double(value)
    case .double(let value): return value
    default: return nil
    }
  }

  public var boolValue: Bool? {
    if case .bool(let value) = self { return value }
    return nil
  }

  public var isScalar: Bool {
    switch self {
    case .array, .object: return false
    default: return true
    }
  }

  /// Compact JSON text (object members sorted by name, so the output is deterministic).
  public var description: String {
    switch self {
    case .null: return "null"
    case .bool(let value): return value ? "true" : "false"
    case .int(let value): return String(value)
    case .double(let value): return String(value)
    case .string(let value): return JSONValue.quoted(value)
    case .array(let values): return "[" + values.map(\.description).joined(separator: ",") + "]"
    case .object(let members):
      return "{"
        + members.keys.sorted().map { JSONValue.quoted($0) + ":" + members[$0]!.description }.joined(
          separator: ",") + "}"
    }
  }

  static func quoted(_ text: String) -> String { JSONString.quoted(text) }
}
