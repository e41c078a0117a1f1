/// Writes TOML text for the effective configuration (`redactedDescription`) and for messages.
/// Stateless.
enum TOMLWriter {
  /// A basic string with the escapes TOML requires.
  static func basicString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7F {
          let hex = String(scalar.value, radix: 16, uppercase: true)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }

  static func stringArray(_ values: [String]) -> String {
    "[" + values.map(basicString).joined(separator: ", ") + "]"
  }
}

/// A string as TOML would write it, for messages.
func quoted(_ text: String) -> String {
  TOMLWriter.basicString(text)
}
