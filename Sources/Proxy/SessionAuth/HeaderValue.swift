/// Header values Gatehouse copies from session attributes or claims: printable ASCII and spaces,
/// never CR, LF or other control bytes (no header injection).
enum HeaderValue {
  static func isSafe(_ value: String) -> Bool {
    guard !value.isEmpty, value.utf8.count <= 1024 else { return false }
    for byte in value.utf8 where byte < 0x20 || byte == 0x7F { return false }
    return true
  }
}
