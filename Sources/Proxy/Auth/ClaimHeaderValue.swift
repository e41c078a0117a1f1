import JWT

/// How a JWT claim becomes an upstream header value (`claim_headers`): a scalar as it is
/// (strings as written, numbers and booleans in JSON form); an array of scalars joined with `,`
/// (`roles = ["admin","ops"]` → `admin,ops`). A value that cannot be carried faithfully is not
/// sent at all, never rewritten: null, an object, an empty array, an array with a nested value,
/// any control byte (CR/LF/NUL/DEL…), an array element containing `,` (it would read as two
/// elements), or more than `maxBytes` (docs/security.md, "Identity headers"). Stateless.
enum ClaimHeaderValue {
  /// The bound of one claim header's value, in bytes.
  static let maxBytes = 4096

  static func text(_ value: JSONValue) -> String? {
    guard case .array(let elements) = value else { return scalar(value) }
    guard !elements.isEmpty else { return nil }
    var out = ""
    for (index, element) in elements.enumerated() {
      guard let text = scalar(element), !text.utf8.contains(UInt8(ascii: ",")) else { return nil }
      if index > 0 { out += "," }
      out += text
      guard out.utf8.count <= maxBytes else { return nil }
    }
    return out
  }

  /// A scalar as header text; nil for null, arrays, objects, control bytes and oversized values.
  static func scalar(_ value: JSONValue) -> String? {
    let text: String
    switch value {
    case .string(let string): text = string
    case .int, .double, .bool: text = value.description
    case .null, .array, .object: return nil
    }
    guard text.utf8.count <= maxBytes else { return nil }
    for byte in text.utf8 where byte < 0x20 || byte == 0x7F { return nil }
    return text
  }
}
