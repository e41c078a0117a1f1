/// Method overrides: the header value or query parameter some frameworks read as "the real
/// method" (`X-HTTP-Method-Override: DELETE`, `?_method=delete`). Gatehouse never applies one,
/// but a request that carries an override naming an unsafe method must be treated as unsafe for
/// CSRF, because the app behind may honour it (docs/security.md, "Methods and CSRF"). Pure
/// functions over bytes; thread-safe.
public enum MethodOverride {
  /// Whether `value` (a header value or a decoded parameter) names an unsafe method: anything but
  /// GET, HEAD, OPTIONS or TRACE, compared without regard to case (frameworks upper-case the
  /// override before dispatch). An empty value names nothing and is not unsafe.
  public static func namesUnsafeMethod(_ value: UnsafeRawBufferPointer) -> Bool {
    var start = 0
    var end = value.count
    while start < end && ASCII.isOWS(value[start]) { start += 1 }
    while end > start && ASCII.isOWS(value[end - 1]) { end -= 1 }
    guard end > start else { return false }
    let method = UnsafeRawBufferPointer(rebasing: value[start..<end])
    for safe in safeMethods where ASCII.equalsLower(method, 0, method.count, safe) { return false }
    return true
  }

  /// Whether the query (the bytes after `?`, without `#`) has a parameter named one of `names`
  /// whose value names an unsafe method. Names and values are percent- and `+`-decoded the way
  /// form parsers do (`%5Fmethod=DELETE`, `_method=%44ELETE` count too); names compare exactly,
  /// as frameworks look them up. A repeated parameter counts if any of its values is unsafe.
  public static func queryNamesUnsafeMethod(_ query: UnsafeRawBufferPointer, names: [[UInt8]]) -> Bool {
    guard !names.isEmpty, !query.isEmpty else { return false }
    var pairStart = 0
    while pairStart <= query.count {
      var pairEnd = pairStart
      while pairEnd < query.count && query[pairEnd] != UInt8(ascii: "&")
        && query[pairEnd] != UInt8(ascii: ";")
      {
        pairEnd += 1
      }
      if pairEnd > pairStart && pairNamesUnsafe(query, pairStart, pairEnd, names: names) { return true }
      pairStart = pairEnd + 1
    }
    return false
  }

  private static func pairNamesUnsafe(
    _ query: UnsafeRawBufferPointer, _ start: Int, _ end: Int, names: [[UInt8]]
  ) -> Bool {
    var equals = start
    while equals < end && query[equals] != UInt8(ascii: "=") { equals += 1 }
    guard equals < end, names.contains(where: { decodedEquals(query, start, equals, $0) }) else {
      return false
    }
    // Only a parameter with a configured name gets here: decoding its value may allocate.
    let value = decode(query, equals + 1, end)
    return value.withUnsafeBytes { namesUnsafeMethod($0) }
  }

  /// Whether `bytes[start..<end]`, decoded like `decode`, equals `name` (without allocating:
  /// every request with a query runs this).
  static func decodedEquals(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ name: [UInt8])
    -> Bool
  {
    var index = start
    var matched = 0
    while index < end {
      guard matched < name.count else { return false }
      var byte = bytes[index]
      if byte == UInt8(ascii: "%"), index + 2 < end, ASCII.isHexDigit(bytes[index + 1]),
        ASCII.isHexDigit(bytes[index + 2])
      {
        byte = ASCII.hexValue(bytes[index + 1]) << 4 | ASCII.hexValue(bytes[index + 2])
        index += 3
      } else {
        if byte == UInt8(ascii: "+") { byte = ASCII.sp }
        index += 1
      }
      guard byte == name[matched] else { return false }
      matched += 1
    }
    return matched == name.count
  }

  /// application/x-www-form-urlencoded decoding: `+` is a space, `%XY` a byte; a `%` not followed
  /// by two hex digits stays as it is.
  static func decode(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(end - start)
    var index = start
    while index < end {
      let byte = bytes[index]
      if byte == UInt8(ascii: "%"), index + 2 < end, ASCII.isHexDigit(bytes[index + 1]),
        ASCII.isHexDigit(bytes[index + 2])
      {
        out.append(ASCII.hexValue(bytes[index + 1]) << 4 | ASCII.hexValue(bytes[index + 2]))
        index += 3
      } else {
        out.append(byte == UInt8(ascii: "+") ? ASCII.sp : byte)
        index += 1
      }
    }
    return out
  }

  private static let safeMethods: [StaticString] = ["get", "head", "options", "trace"]
}
