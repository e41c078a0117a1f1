import HTTP1

/// The request headers `[session] bind_fingerprint` lists, compiled once per (re)load: lower-case
/// names as bytes. Reading them walks the head once per listed name, and only when the list is
/// not empty (the binding's default is off). Immutable.
struct FingerprintHeaders: Sendable {
  private let names: [[UInt8]]

  init(_ names: [String]) {
    self.names = names.map { Array($0.lowercased().utf8) }
  }

  var isEmpty: Bool { names.isEmpty }

  /// Each listed header's value in `head` (repeated fields joined by ", "; nil when absent or
  /// stripped), in the list's order.
  func values(_ head: RequestHead, _ bytes: UnsafeRawBufferPointer, _ index: HeaderIndex) -> [[UInt8]?] {
    names.map { name in
      var value: [UInt8]?
      for position in 0..<head.fields.count where index.role(at: position) != .stripped {
        let field = head.fields[position]
        guard Self.equalsLowercased(field.name(in: bytes), name) else { continue }
        if value != nil { value!.append(contentsOf: [0x2C, 0x20]) }
        value = (value ?? []) + Array(field.value(in: bytes))
      }
      return value
    }
  }

  private static func equalsLowercased(_ name: UnsafeRawBufferPointer, _ lower: [UInt8]) -> Bool {
    guard name.count == lower.count else { return false }
    for i in 0..<lower.count where (name[i] &- 0x41 < 26 ? name[i] | 0x20 : name[i]) != lower[i] {
      return false
    }
    return true
  }
}
