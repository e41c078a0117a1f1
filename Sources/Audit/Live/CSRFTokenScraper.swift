import Sessions

/// Finds a CSRF token in a page or JSON echo: the first run of exactly
/// `CSRFToken.encodedLength` base64url characters after a mention of the header or form field
/// name (case-insensitive). Works for a JSON echo of the headers and for a hidden form field.
/// Pure.
enum CSRFTokenScraper {
  static func find(in body: [UInt8], after names: [String]) -> String? {
    let lowered = body.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
    for name in names where !name.isEmpty {
      let needle = Array(name.lowercased().utf8)
      var start = 0
      while let at = firstIndex(of: needle, in: lowered, from: start) {
        if let token = firstToken(in: body, from: at + needle.count) { return token }
        start = at + 1
      }
    }
    return nil
  }

  private static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
    guard needle.count <= haystack.count else { return nil }
    var i = start
    while i + needle.count <= haystack.count {
      if haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
      i += 1
    }
    return nil
  }

  /// The first token-length run of base64url characters within 200 bytes of `start`.
  private static func firstToken(in body: [UInt8], from start: Int) -> String? {
    var i = start
    let limit = min(body.count, start + 200 + CSRFToken.encodedLength)
    while i < limit {
      var j = i
      while j < body.count && isBase64URL(body[j]) { j += 1 }
      if j - i == CSRFToken.encodedLength { return String(decoding: body[i..<j], as: UTF8.self) }
      i = max(j, i + 1)
    }
    return nil
  }

  private static func isBase64URL(_ b: UInt8) -> Bool {
    (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == UInt8(ascii: "-")
      || b == UInt8(ascii: "_")
  }
}
