/// Reads `Set-Cookie` field values sent by the app (RFC 6265bis). Stateless, thread-safe.
///
/// Two views of one value:
/// - `parse` is strict: it accepts what the server grammar (§4.1.1) allows plus the few liberties
///   real servers take that browsers read the same way (whitespace around `=` and `;`, empty
///   attribute segments, any date the browsers' algorithm reads, unknown attributes kept as
///   extensions), and refuses everything a browser would read differently or drop: control
///   characters, a pair without `=`, a name that is not a token, a value outside cookie-octet,
///   oversized parts, repeated known attributes, `Secure=…`, an unknown `SameSite`, a relative
///   `Path`, a malformed `Domain`, and prefix violations (§4.1.3). Refusing is what lets a cookie
///   policy rewrite a cookie without changing what the browser stores.
/// - `effectiveName` is lenient on purpose: the name a browser stores *and* Gatehouse would later
///   read back from the `Cookie` header (§5.7 and §5.8.3: a nameless cookie is sent as its bare
///   value, so `=sid=x` comes back as `sid=x`). The owned-cookie filter uses it, so no spelling
///   of an owned name slips past it.
public enum SetCookieParser {
  public static func parse(_ fieldValue: String) throws(CookieError) -> ParsedSetCookie {
    let bytes = Array(fieldValue.utf8)
    return try parse(bytes[...])
  }

  public static func parse(_ bytes: ArraySlice<UInt8>) throws(CookieError) -> ParsedSetCookie {
    for b in bytes where (b < 0x20 && b != 0x09) || b == 0x7F { throw CookieError(.controlCharacter) }
    let pairEnd = bytes.firstIndex(of: UInt8(ascii: ";")) ?? bytes.endIndex
    let pair = bytes[bytes.startIndex..<pairEnd]
    guard let equals = pair.firstIndex(of: UInt8(ascii: "=")) else { throw CookieError(.pair) }
    let name = trimmed(pair[pair.startIndex..<equals])
    let value = trimmed(pair[(equals + 1)..<pair.endIndex])
    guard !name.isEmpty, name.allSatisfy(ASCII.isTChar) else { throw CookieError(.name) }
    guard isValidValue(value) else { throw CookieError(.value) }
    guard name.count + value.count <= ParsedSetCookie.maxNameValueBytes else { throw CookieError(.size) }
    var cookie = ParsedSetCookie(name: string(name), value: string(value))
    var seen: Set<KnownAttribute> = []
    var index = pairEnd
    while index < bytes.endIndex {
      let start = index + 1
      let end = bytes[start...].firstIndex(of: UInt8(ascii: ";")) ?? bytes.endIndex
      index = end
      let segment = trimmed(bytes[start..<end])
      if segment.isEmpty { continue }
      try apply(segment, to: &cookie, seen: &seen)
    }
    try checkPrefix(cookie)
    return cookie
  }

  /// The byte range of the name a browser stores for this `Set-Cookie` value, as Gatehouse reads
  /// it back from a `Cookie` header: the trimmed text before the first `=` of the cookie-pair, or,
  /// for a nameless pair (`=a=b`), the text before the first `=` of its value. Nil when the value
  /// names no cookie Gatehouse could read (no `=` at all, or an empty name and value).
  public static func effectiveName(in bytes: UnsafeRawBufferPointer) -> Range<Int>? {
    var pairEnd = 0
    while pairEnd < bytes.count && bytes[pairEnd] != UInt8(ascii: ";") { pairEnd += 1 }
    guard let equals = firstEquals(bytes, 0, pairEnd) else { return nil }
    let name = trimmedRange(bytes, 0, equals)
    if !name.isEmpty { return name }
    let value = trimmedRange(bytes, equals + 1, pairEnd)
    guard let inner = firstEquals(bytes, value.lowerBound, value.upperBound) else { return nil }
    let innerName = trimmedRange(bytes, value.lowerBound, inner)
    return innerName.isEmpty ? nil : innerName
  }

  // MARK: Attributes

  enum KnownAttribute: Hashable {
    case expires, maxAge, domain, path, secure, httpOnly, sameSite, partitioned
  }

  static func known(_ name: ArraySlice<UInt8>) -> KnownAttribute? {
    switch lowercased(name) {
    case "expires": return .expires
    case "max-age": return .maxAge
    case "domain": return .domain
    case "path": return .path
    case "secure": return .secure
    case "httponly": return .httpOnly
    case "samesite": return .sameSite
    case "partitioned": return .partitioned
    default: return nil
    }
  }

  static func apply(
    _ segment: ArraySlice<UInt8>, to cookie: inout ParsedSetCookie, seen: inout Set<KnownAttribute>
  )
    throws(CookieError)
  {
    let equals = segment.firstIndex(of: UInt8(ascii: "="))
    let name = trimmed(segment[segment.startIndex..<(equals ?? segment.endIndex)])
    let value = equals.map { trimmed(segment[($0 + 1)..<segment.endIndex]) }
    guard !name.isEmpty, name.allSatisfy(ASCII.isTChar) else { throw CookieError(.attribute) }
    if let value {
      guard value.allSatisfy(isAttributeByte) else { throw CookieError(.attribute) }
      guard value.count <= ParsedSetCookie.maxAttributeValueBytes else { throw CookieError(.size) }
    }
    guard let attribute = known(name) else {
      cookie.extensions.append(string(segment))
      return
    }
    guard seen.insert(attribute).inserted else { throw CookieError(.duplicateAttribute) }
    switch attribute {
    case .secure, .httpOnly, .partitioned:
      guard value == nil else { throw CookieError(.flagWithValue) }
      if attribute == .secure { cookie.secure = true }
      if attribute == .httpOnly { cookie.httpOnly = true }
      if attribute == .partitioned { cookie.partitioned = true }
    case .expires:
      guard let value, let instant = Array(value).withUnsafeBytes({ CookieDate.parse($0) }) else {
        throw CookieError(.expires)
      }
      cookie.expires = instant
    case .maxAge:
      guard let value, let seconds = parseMaxAge(value) else { throw CookieError(.maxAge) }
      cookie.maxAge = seconds
    case .domain:
      guard var value else { throw CookieError(.domain) }
      if value.first == UInt8(ascii: ".") { value = value.dropFirst() }
      let lower = ArraySlice(value.map(ASCII.lower))
      guard isValidDomain(lower) else { throw CookieError(.domain) }
      cookie.domain = string(lower)
    case .path:
      guard let value, value.first == UInt8(ascii: "/") else { throw CookieError(.path) }
      cookie.path = string(value)
    case .sameSite:
      switch value.map(lowercased) {
      case "strict": cookie.sameSite = .strict
      case "lax": cookie.sameSite = .lax
      case "none": cookie.sameSite = SetCookie.SameSite.none
      default: throw CookieError(.sameSite)
      }
    }
  }

  /// `__Secure-` needs Secure; `__Host-` needs Secure, `Path=/` and no Domain. Matched without
  /// regard to case, as current browsers do, so `__HOST-x` cannot dodge the rule.
  static func checkPrefix(_ cookie: ParsedSetCookie) throws(CookieError) {
    let lower = cookie.name.lowercased()
    if lower.hasPrefix("__secure-") && !cookie.secure { throw CookieError(.prefix) }
    if lower.hasPrefix("__host-") && (!cookie.secure || cookie.domain != nil || cookie.path != "/") {
      throw CookieError(.prefix)
    }
  }

  /// `-`? 1*DIGIT; values beyond `Int64` saturate (a browser caps lifetimes at 400 days anyway).
  static func parseMaxAge(_ value: ArraySlice<UInt8>) -> Int64? {
    var digits = value
    let negative = digits.first == UInt8(ascii: "-")
    if negative { digits = digits.dropFirst() }
    guard !digits.isEmpty, digits.allSatisfy(ASCII.isDigit) else { return nil }
    var result: Int64 = 0
    for digit in digits {
      let (times10, o1) = result.multipliedReportingOverflow(by: 10)
      let (sum, o2) = times10.addingReportingOverflow(Int64(digit &- 0x30))
      if o1 || o2 { return negative ? Int64.min : Int64.max }
      result = sum
    }
    return negative ? -result : result
  }

  // MARK: Byte classes

  /// *cookie-octet, or DQUOTE *cookie-octet DQUOTE.
  static func isValidValue(_ value: ArraySlice<UInt8>) -> Bool {
    var inner = value
    if inner.first == UInt8(ascii: "\"") {
      guard inner.count >= 2, inner.last == UInt8(ascii: "\"") else { return false }
      inner = inner.dropFirst().dropLast()
    }
    return inner.allSatisfy(SetCookie.isCookieOctet)
  }

  /// av-octet restricted to visible ASCII and space (no CTL, no `;`, no non-ASCII).
  static func isAttributeByte(_ b: UInt8) -> Bool {
    (b >= 0x20 && b < 0x7F && b != UInt8(ascii: ";")) || b == 0x09
  }

  /// Labels of letters, digits and `-`, separated by single dots (RFC 1034 §3.5, RFC 1123 §2.1).
  public static func isValidDomain(_ domain: ArraySlice<UInt8>) -> Bool {
    guard !domain.isEmpty, domain.count <= 253 else { return false }
    var labelLength = 0
    for b in domain {
      if b == UInt8(ascii: ".") {
        if labelLength == 0 { return false }
        labelLength = 0
      } else if ASCII.isAlpha(b) || ASCII.isDigit(b) || b == UInt8(ascii: "-") {
        labelLength += 1
        if labelLength > 63 { return false }
      } else {
        return false
      }
    }
    return labelLength > 0
  }

  /// An attribute kept as written: a token name that is not a known attribute, an optional value
  /// of attribute bytes, nothing that would parse differently.
  static func isValidExtension(_ item: ArraySlice<UInt8>) -> Bool {
    guard !item.isEmpty, trimmed(item).count == item.count else { return false }
    let equals = item.firstIndex(of: UInt8(ascii: "="))
    let name = trimmed(item[item.startIndex..<(equals ?? item.endIndex)])
    guard !name.isEmpty, name.allSatisfy(ASCII.isTChar), known(name) == nil else { return false }
    guard let equals else { return true }
    let value = trimmed(item[(equals + 1)...])
    return value.count <= ParsedSetCookie.maxAttributeValueBytes && value.allSatisfy(isAttributeByte)
  }

  // MARK: Helpers

  static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    var slice = bytes
    while let first = slice.first, ASCII.isOWS(first) { slice = slice.dropFirst() }
    while let last = slice.last, ASCII.isOWS(last) { slice = slice.dropLast() }
    return slice
  }

  static func trimmedRange(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Range<Int> {
    var lower = start
    var upper = end
    while lower < upper && ASCII.isOWS(bytes[lower]) { lower += 1 }
    while upper > lower && ASCII.isOWS(bytes[upper - 1]) { upper -= 1 }
    return lower..<upper
  }

  static func firstEquals(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int? {
    var index = start
    while index < end {
      if bytes[index] == UInt8(ascii: "=") { return index }
      index += 1
    }
    return nil
  }

  static func lowercased(_ bytes: ArraySlice<UInt8>) -> String {
    String(decoding: bytes.map(ASCII.lower), as: UTF8.self)
  }

  static func string(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
}
