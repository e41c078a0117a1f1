/// Rules for a client-supplied request id worth keeping: 1–200 visible ASCII bytes, no quotes or
/// backslashes (so it can be logged and echoed without escaping).
enum RequestID {
  static func isWellFormed(_ value: UnsafeRawBufferPointer) -> Bool {
    guard value.count >= 1, value.count <= 200 else { return false }
    for byte in value where byte < 0x21 || byte > 0x7E || byte == 0x22 || byte == 0x5C {
      return false
    }
    return true
  }
}
