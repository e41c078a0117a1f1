import HTTP1

/// `Cookie` and `Set-Cookie` values.
enum CookieFuzz {
  /// Input: a cookie name, NUL, a `Cookie` field value (no NUL: the name is "sid"). The lookup
  /// agrees with a plain reference reading; `removing` leaves no pair of that name and keeps every
  /// other pair.
  static func cookieHeader(_ data: UnsafeRawBufferPointer) {
    let bytes = Array(data)
    let split = bytes.firstIndex(of: 0)
    let name = split.map { Array(bytes[..<$0]) } ?? Array("sid".utf8)
    let field = split.map { Array(bytes[($0 + 1)...]) } ?? bytes
    let reference = referencePairs(field)
    let matches = reference.filter { $0.name == name }
    let lookup = name.withUnsafeBufferPointer { n in
      field.withUnsafeBufferPointer { CookieHeader.lookup(name: n, in: $0) }
    }
    switch lookup {
    case .absent: FuzzCheck.require(matches.isEmpty, "lookup absent, reference found \(matches.count)")
    case .ambiguous:
      FuzzCheck.require(matches.count > 1, "lookup ambiguous, reference found \(matches.count)")
    case .found(let range):
      FuzzCheck.require(matches.count == 1, "lookup found, reference found \(matches.count)")
      FuzzCheck.require(Array(field[range]) == matches[0].value, "lookup value differs from the reference")
    }
    let nameText = String(decoding: name, as: UTF8.self)
    guard Array(nameText.utf8) == name else { return }  // `removing` takes a String name
    let rest = CookieHeader.removing(name: nameText, from: field) ?? []
    let restPairs = referencePairs(rest)
    FuzzCheck.require(!restPairs.contains { $0.name == name }, "removing left a pair of that name")
    let kept = reference.filter { $0.name != name }
    FuzzCheck.require(restPairs.count == kept.count, "removing dropped other pairs")
  }

  /// The reading `CookieHeader` documents: `;`-separated segments, whitespace trimmed, a segment
  /// without `=` names nothing, empty segments skipped.
  static func referencePairs(_ field: [UInt8]) -> [(name: [UInt8]?, value: [UInt8])] {
    field.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false).compactMap { segment in
      let trimmed = trim(Array(segment))
      if trimmed.isEmpty { return nil }
      guard let equals = trimmed.firstIndex(of: UInt8(ascii: "=")) else { return (nil, trimmed) }
      return (trim(Array(trimmed[..<equals])), trim(Array(trimmed[(equals + 1)...])))
    }
  }

  static func trim(_ bytes: [UInt8]) -> [UInt8] {
    var slice = bytes[...]
    while let first = slice.first, first == 0x20 || first == 0x09 { slice = slice.dropFirst() }
    while let last = slice.last, last == 0x20 || last == 0x09 { slice = slice.dropLast() }
    return Array(slice)
  }

  /// A parsed `Set-Cookie` re-serialises to a value that parses back to the same cookie, and its
  /// name is the name a browser stores (`effectiveName`).
  static func setCookie(_ data: UnsafeRawBufferPointer) {
    let effective = SetCookieParser.effectiveName(in: data)
    if let effective {
      FuzzCheck.require(effective.lowerBound >= 0 && effective.upperBound <= data.count, "name outside input")
      FuzzCheck.require(!effective.isEmpty, "empty effective name")
    }
    guard let cookie = try? SetCookieParser.parse(Array(data)[...]) else { return }
    FuzzCheck.require(
      effective.map { Array(data[$0]) } == Array(cookie.name.utf8),
      "effective name differs from the parsed name")
    let serialised: String
    do { serialised = try cookie.fieldValue() } catch {
      FuzzCheck.fail("a parsed cookie does not serialise: \(error)")
    }
    let again = try? SetCookieParser.parse(serialised)
    FuzzCheck.require(again == cookie, "round trip changed the cookie: \(serialised)")
  }
}
