/// Readers for lists of names and for header values, with every bad element reported at its line.
extension ConfigReader {
  /// An array of RFC 9110 tokens (method or header names); an absent key gives `fallback`.
  mutating func tokenList(_ s: ConfigSection, _ key: String, default fallback: [String], what: String)
    -> [String]
  {
    guard let items = stringArray(s, key) else { return fallback }
    var out: [String] = []
    for (index, (text, line)) in items.enumerated() {
      if ConfigSyntax.isToken(text) {
        out.append(text)
      } else {
        report(line: line, key: "\(s.key(key))[\(index)]", "\(quoted(text)) is not a valid \(what)")
      }
    }
    return out
  }

  /// An array of query parameter names: visible ASCII without `&`, `=`, `#`, `%` or `+`, so a name
  /// compares with the raw query as written.
  mutating func queryParameterList(_ s: ConfigSection, _ key: String, default fallback: [String]) -> [String]
  {
    guard let items = stringArray(s, key) else { return fallback }
    var out: [String] = []
    for (index, (text, line)) in items.enumerated() {
      let forbidden: Set<UInt8> = [
        UInt8(ascii: "&"), UInt8(ascii: "="), UInt8(ascii: "#"), UInt8(ascii: "%"), UInt8(ascii: "+"),
      ]
      if !text.isEmpty, text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !forbidden.contains($0) }) {
        out.append(text)
      } else {
        report(
          line: line, key: "\(s.key(key))[\(index)]", "\(quoted(text)) is not a plain query parameter name")
      }
    }
    return out
  }

  /// A header value: visible ASCII and spaces, no leading or trailing space; "" allowed (off).
  mutating func headerValue(_ s: ConfigSection, _ key: String, default fallback: String) -> String {
    guard let (text, line) = string(s, key) else { return fallback }
    let bytes = Array(text.utf8)
    let visible = bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    guard visible, bytes.first != 0x20, bytes.last != 0x20 else {
      report(line: line, key: s.key(key), "\(quoted(text)) is not a valid header value")
      return fallback
    }
    return text
  }
}
