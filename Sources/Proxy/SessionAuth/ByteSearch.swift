enum ByteSearch {
  static func containsCaseInsensitive(_ haystack: [UInt8], _ needle: StaticString) -> Bool {
    let pattern = needle.withUTF8Buffer { Array($0) }
    guard haystack.count >= pattern.count else { return false }
    outer: for start in 0...(haystack.count - pattern.count) {
      for offset in 0..<pattern.count {
        var byte = haystack[start + offset]
        if byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
        if byte != pattern[offset] { continue outer }
      }
      return true
    }
    return false
  }
}
