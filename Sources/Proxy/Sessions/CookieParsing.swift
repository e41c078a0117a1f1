/// Reads and rewrites `Cookie` field values (RFC 6265bis §5.6: `name=value` pairs separated by
/// `;` and optional spaces). Pure functions over bytes.
enum CookieParsing {
  /// The value of the cookie `name`, or nil when it is absent or appears more than once (an
  /// ambiguous cookie — e.g. one planted for a parent domain — is never guessed at).
  static func value(named name: [UInt8], in header: [UInt8]) -> [UInt8]? {
    var found: [UInt8]?
    var count = 0
    forEachPair(header) { pairName, pairValue in
      if pairName.elementsEqual(name) {
        count += 1
        found = Array(pairValue)
      }
    }
    return count == 1 ? found : nil
  }

  /// The header value without every pair named `name`; nil when nothing remains.
  static func removing(_ name: [UInt8], from header: UnsafeRawBufferPointer) -> [UInt8]? {
    var out: [UInt8] = []
    forEachPair(Array(header)) { pairName, pairValue in
      guard !pairName.elementsEqual(name) else { return }
      if !out.isEmpty { out.append(contentsOf: [0x3B, 0x20]) }
      out.append(contentsOf: pairName)
      out.append(0x3D)
      out.append(contentsOf: pairValue)
    }
    return out.isEmpty ? nil : out
  }

  private static func forEachPair(_ header: [UInt8], _ body: (ArraySlice<UInt8>, ArraySlice<UInt8>) -> Void) {
    var start = 0
    while start < header.count {
      var end = start
      while end < header.count && header[end] != 0x3B { end += 1 }
      var pairStart = start
      while pairStart < end && (header[pairStart] == 0x20 || header[pairStart] == 0x09) { pairStart += 1 }
      var pairEnd = end
      while pairEnd > pairStart && (header[pairEnd - 1] == 0x20 || header[pairEnd - 1] == 0x09) {
        pairEnd -= 1
      }
      if pairStart < pairEnd {
        let pair = header[pairStart..<pairEnd]
        if let equals = pair.firstIndex(of: 0x3D) {
          var nameEnd = equals
          while nameEnd > pairStart && header[nameEnd - 1] == 0x20 { nameEnd -= 1 }
          var valueStart = equals + 1
          while valueStart < pairEnd && header[valueStart] == 0x20 { valueStart += 1 }
          var value = header[valueStart..<pairEnd]
          if value.count >= 2 && value.first == 0x22 && value.last == 0x22 {
            value = value.dropFirst().dropLast()
          }
          body(header[pairStart..<nameEnd], value)
        }
      }
      start = end + 1
    }
  }
}
