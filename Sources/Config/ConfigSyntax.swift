/// Small syntax checks for values: HTTP tokens, header-name patterns, route paths. Stateless.
enum ConfigSyntax {
  /// RFC 9110 `tchar`.
  static func isTokenByte(_ b: UInt8) -> Bool {
    switch b {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"):
      true
    default: Array("!#$%&'*+-.^_`|~".utf8).contains(b)
    }
  }

  static func isToken(_ text: String) -> Bool {
    !text.isEmpty && text.utf8.allSatisfy(isTokenByte)
  }

  /// A header name, or a name prefix followed by one trailing `*`.
  static func headerPatternProblem(_ pattern: String) -> String? {
    if pattern.isEmpty { return "empty header pattern" }
    if pattern == "*" { return "a bare `*` would strip every header" }
    let name = pattern.hasSuffix("*") ? String(pattern.dropLast()) : pattern
    if name.contains("*") { return "`*` is only allowed at the end of a pattern" }
    if !isToken(name) {
      return "not a valid header name (letters, digits and !#$%&'+-.^_`|~, optional trailing *)"
    }
    return nil
  }

  /// Nil if `path` can appear in a request target's path; otherwise why not.
  static func routePathProblem(_ path: String) -> String? {
    let bytes = Array(path.utf8)
    guard bytes.first == UInt8(ascii: "/") else { return "must start with \"/\"" }
    var index = 0
    while index < bytes.count {
      let b = bytes[index]
      if b == UInt8(ascii: "%") {
        guard index + 2 < bytes.count, TOMLParser.hexValue(bytes[index + 1]) != nil,
          TOMLParser.hexValue(bytes[index + 2]) != nil
        else { return "has a `%` that is not followed by two hex digits" }
        index += 3
        continue
      }
      if b == UInt8(ascii: "?") || b == UInt8(ascii: "#") {
        return
          "contains `\(Character(Unicode.Scalar(b)))`; routes match the path only, without query or fragment"
      }
      if !isPathByte(b) { return "contains a character that must be percent-encoded" }
      index += 1
    }
    let segments = path.split(separator: "/", omittingEmptySubsequences: false)
    if segments.contains(where: { $0 == "." || $0 == ".." }) {
      return "contains a dot segment (\".\" or \"..\"), which the proxy never lets through"
    }
    return nil
  }

  /// RFC 3986 `pchar` minus `%` (handled by the caller), plus `/`.
  private static func isPathByte(_ b: UInt8) -> Bool {
    switch b {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"):
      true
    default: Array("-._~!$&'()*+,;=:@/".utf8).contains(b)
    }
  }
}
