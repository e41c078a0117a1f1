/// The members of one JSON object as byte ranges of the text they were scanned from
/// (`JSONParser.scanObject`), so a caller can read the few members it needs without building a
/// `[String: JSONValue]` of all of them. Only valid while that text's buffer is; used within one
/// call on one thread, never stored.
struct JSONObjectSpans {
  /// Objects with more members than this are checked for duplicates by a full parse instead of
  /// pairwise comparison (which is O(n²)).
  static let maxCompared = 32

  struct Member {
    /// The name's raw bytes (between the quotes).
    var nameStart: Int
    var nameEnd: Int
    /// The value's JSON text.
    var valueStart: Int
    var valueEnd: Int
  }

  let bytes: UnsafeBufferPointer<UInt8>
  var members: [Member] = []
  /// A name holds an escape or non-ASCII, or there are too many members: duplicate detection
  /// and raw-byte name look-ups are not exact, so the scan's caller must call `resolveFully()`.
  var needsFullParse = false
  /// After `resolveFully()`: every member, from a full parse; look-ups use it instead of spans.
  private(set) var resolved: [String: JSONValue]?

  init(bytes: UnsafeBufferPointer<UInt8>) {
    self.bytes = bytes
    members.reserveCapacity(12)
  }

  /// Parses the whole object with `JSONParser.parse` (exact duplicate detection with decoded
  /// names) and answers later look-ups from that. For the rare objects the scan cannot settle.
  mutating func resolveFully() throws(JSONParseError) {
    guard case .object(let members) = try JSONParser.parse(bytes) else {
      preconditionFailure("a scanned JSON object parsed as another type")
    }
    resolved = members
  }

  /// The member named `name`'s value, if present.
  func value(registered name: StaticString) -> JSONValue? {
    if let resolved {
      return resolved[
        String(
          decoding: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount), as: UTF8.self)]
    }
    return index(of: name).map { value($0) }
  }

  /// The member named `name`'s value, if present.
  func value(named name: String) -> JSONValue? {
    if let resolved { return resolved[name] }
    var name = name
    return name.withUTF8 { index(of: $0) }.map { value($0) }
  }

  /// True when a member is named `name`.
  func contains(registered name: StaticString) -> Bool {
    if let resolved {
      return resolved[
        String(
          decoding: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount), as: UTF8.self)]
        != nil
    }
    return index(of: name) != nil
  }

  /// The bytes between the quotes of member `name`'s value when it is a string of plain ASCII
  /// without escapes (so byte equality is string equality); nil otherwise, when absent, or after
  /// `resolveFully()`.
  func plainASCIIString(registered name: StaticString) -> UnsafeBufferPointer<UInt8>? {
    guard resolved == nil, let position = index(of: name) else { return nil }
    let member = members[position]
    guard member.valueEnd - member.valueStart >= 2, bytes[member.valueStart] == UInt8(ascii: "\"") else {
      return nil
    }
    var index = member.valueStart + 1
    while index < member.valueEnd - 1 {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\\") || byte >= 0x80 { return nil }
      index += 1
    }
    return UnsafeBufferPointer(rebasing: bytes[(member.valueStart + 1)..<(member.valueEnd - 1)])
  }

  /// Every member, decoded.
  func allMembers() -> [String: JSONValue] {
    if let resolved { return resolved }
    var out: [String: JSONValue] = [:]
    out.reserveCapacity(members.count)
    for position in members.indices { out[name(position)] = value(position) }
    return out
  }

  /// True when a member's raw name equals `bytes[start..<end]`.
  func contains(_ start: Int, _ end: Int) -> Bool {
    let count = end - start
    for member in members where member.nameEnd - member.nameStart == count {
      var offset = 0
      while offset < count && bytes[member.nameStart + offset] == bytes[start + offset] { offset += 1 }
      if offset == count { return true }
    }
    return false
  }

  /// The index of the member named `name` (raw bytes compared), if any.
  func index(of name: UnsafeBufferPointer<UInt8>) -> Int? {
    for (position, member) in members.enumerated() where member.nameEnd - member.nameStart == name.count {
      var offset = 0
      while offset < name.count && bytes[member.nameStart + offset] == name[offset] { offset += 1 }
      if offset == name.count { return position }
    }
    return nil
  }

  func index(of name: StaticString) -> Int? {
    index(of: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
  }

  /// The raw name of member `position` as a String (names here are plain ASCII).
  func name(_ position: Int) -> String {
    let member = members[position]
    return String(
      decoding: UnsafeBufferPointer(rebasing: bytes[member.nameStart..<member.nameEnd]), as: UTF8.self)
  }

  /// Member `position`'s value. The text was checked by the scan, so this cannot fail.
  func value(_ position: Int) -> JSONValue {
    let member = members[position]
    var cursor = JSONCursor(
      bytes: UnsafeBufferPointer(rebasing: bytes[..<member.valueEnd]), maxDepth: JSONParser.defaultMaxDepth)
    cursor.index = member.valueStart
    do {
      return try cursor.parseValue(depth: 1)
    } catch {
      preconditionFailure("a scanned JSON value did not parse: \(error)")
    }
  }
}
