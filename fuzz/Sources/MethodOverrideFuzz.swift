import HTTP1

/// `MethodOverride`: the allocation-free query scan agrees with a plain reference reading (split
/// on `&` and `;`, form-decode name and value, compare), and a header value is unsafe exactly when
/// its trimmed, upper-cased text is a non-empty method other than GET, HEAD, OPTIONS, TRACE.
enum MethodOverrideFuzz {
  static let names: [[UInt8]] = [Array("_method".utf8), Array("x".utf8)]

  static func run(_ data: UnsafeRawBufferPointer) {
    let bytes = Array(data)
    let scanned = MethodOverride.queryNamesUnsafeMethod(data, names: names)
    FuzzCheck.require(scanned == reference(bytes), "query scan disagrees with the reference")
    let header = MethodOverride.namesUnsafeMethod(data)
    FuzzCheck.require(header == referenceUnsafe(bytes), "header value verdict disagrees")
  }

  private static func reference(_ query: [UInt8]) -> Bool {
    for pair in query.split(omittingEmptySubsequences: true, whereSeparator: { $0 == 0x26 || $0 == 0x3B }) {
      guard let equals = pair.firstIndex(of: 0x3D) else { continue }
      let name = decode(Array(pair[pair.startIndex..<equals]))
      guard names.contains(name) else { continue }
      if referenceUnsafe(decode(Array(pair[(equals + 1)...]))) { return true }
    }
    return false
  }

  private static func referenceUnsafe(_ value: [UInt8]) -> Bool {
    var slice = value[...]
    while let first = slice.first, first == 0x20 || first == 0x09 { slice = slice.dropFirst() }
    while let last = slice.last, last == 0x20 || last == 0x09 { slice = slice.dropLast() }
    guard !slice.isEmpty else { return false }
    let upper = slice.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
    return !["GET", "HEAD", "OPTIONS", "TRACE"].contains { Array($0.utf8) == upper }
  }

  private static func decode(_ bytes: [UInt8]) -> [UInt8] {
    func hex(_ b: UInt8) -> UInt8? {
      switch b {
      case 0x30...0x39: return b - 0x30
      case 0x41...0x46: return b - 0x37
      case 0x61...0x66: return b - 0x57
      default: return nil
      }
    }
    var out: [UInt8] = []
    var i = 0
    while i < bytes.count {
      if bytes[i] == 0x25, i + 2 < bytes.count, let h = hex(bytes[i + 1]), let l = hex(bytes[i + 2]) {
        out.append(h << 4 | l)
        i += 3
      } else {
        out.append(bytes[i] == 0x2B ? 0x20 : bytes[i])
        i += 1
      }
    }
    return out
  }
}
