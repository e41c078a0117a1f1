/// Reading and editing the value of a `Cookie` request field (RFC 6265bis §4.2.1 / §5.7.4):
/// `name=value` pairs separated by `;` and optional whitespace. Parsing is lenient the way
/// browsers and servers are: whitespace (SP, HTAB) around pairs, names and values is ignored,
/// empty segments are skipped, a segment without `=` is not a cookie of any name. Names compare
/// byte for byte (case-sensitive). A request with several `Cookie` fields must be joined with
/// "; " by the caller first. Byte loops without allocation (hot path) except `removing` and
/// `appendPairs` (which grow their output; `forEachKeptPair` lends the pairs instead).
/// Stateless, thread-safe.
public enum CookieHeader {
  /// Finds the cookie `name` in `field` (a `Cookie` field value).
  public static func lookup(name: UnsafeBufferPointer<UInt8>, in field: UnsafeBufferPointer<UInt8>)
    -> CookieLookup
  {
    lookupNoting(name: name, in: field).result
  }

  /// `lookup`, and whether the cookie was found as the only segment of `field`: the one pair
  /// `forEachKeptPair` would see (no other pair, no segment without `=`; empty segments do not
  /// count). A caller that removes the cookie by name then knows that nothing of `field` is kept
  /// without scanning it again.
  public static func lookupNoting(name: UnsafeBufferPointer<UInt8>, in field: UnsafeBufferPointer<UInt8>)
    -> (result: CookieLookup, alone: Bool)
  {
    var result = CookieLookup.absent
    var segments = 0
    var index = 0
    let end = field.count
    while index < end {
      let pair = nextPair(field, from: index)
      index = pair.next
      if pair.nameStart != pair.valueEnd { segments += 1 }
      guard let nameEnd = pair.nameEnd else { continue }
      if nameEnd - pair.nameStart == name.count && equalBytes(field, pair.nameStart, name) {
        guard case .absent = result else { return (.ambiguous, false) }
        result = .found(pair.valueStart..<pair.valueEnd)
      }
    }
    guard case .found = result else { return (result, false) }
    return (result, segments == 1)
  }

  /// The value of cookie `name` in `field`, or nil when it is absent or ambiguous (present more
  /// than once; see `CookieLookup.ambiguous`).
  public static func value(named name: String, in field: [UInt8]) -> [UInt8]? {
    var name = name
    return name.withUTF8 { nameBytes in
      field.withUnsafeBufferPointer { bytes in
        guard case .found(let range) = lookup(name: nameBytes, in: bytes) else { return nil }
        return Array(bytes[range])
      }
    }
  }

  /// `field` without any pair named `name` (every occurrence), the remaining pairs joined by
  /// "; " in their order, each as written (surrounding whitespace trimmed); nil when no pair
  /// remains, so the caller drops the field. Segments without `=` are kept as written.
  public static func removing(name: String, from field: [UInt8]) -> [UInt8]? {
    var name = name
    return name.withUTF8 { nameBytes in
      field.withUnsafeBufferPointer { bytes -> [UInt8]? in
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        appendPairs(of: bytes, to: &out) { pairName in
          pairName.count == nameBytes.count && equalBytes(pairName, 0, nameBytes)
        }
        return out.isEmpty ? nil : out
      }
    }
  }

  /// Appends the pairs of `field` that `removes` does not name to `out`, each as written
  /// (surrounding whitespace trimmed), separated by "; " from each other and from what `out`
  /// already holds. `removes` sees each pair's name (trimmed); segments without `=` and empty
  /// segments are never passed to it: the first are kept, the second skipped.
  public static func appendPairs(
    of field: UnsafeBufferPointer<UInt8>, to out: inout [UInt8],
    removing removes: (UnsafeBufferPointer<UInt8>) -> Bool
  ) {
    forEachKeptPair(of: field, removing: removes) { pair in
      if !out.isEmpty {
        out.append(UInt8(ascii: ";"))
        out.append(UInt8(ascii: " "))
      }
      out.append(contentsOf: pair)
    }
  }

  /// Calls `kept` with each pair of `field` that `removes` does not name, in order, as written
  /// (surrounding whitespace trimmed), under the rules of `appendPairs`; copies nothing.
  public static func forEachKeptPair(
    of field: UnsafeBufferPointer<UInt8>, removing removes: (UnsafeBufferPointer<UInt8>) -> Bool,
    _ kept: (UnsafeBufferPointer<UInt8>) -> Void
  ) {
    var index = 0
    while index < field.count {
      let pair = nextPair(field, from: index)
      index = pair.next
      if pair.nameStart == pair.valueEnd { continue }  // empty segment
      if let nameEnd = pair.nameEnd,
        removes(UnsafeBufferPointer(rebasing: field[pair.nameStart..<nameEnd]))
      {
        continue
      }
      kept(UnsafeBufferPointer(rebasing: field[pair.nameStart..<pair.valueEnd]))
    }
  }

  /// One `;`-separated segment starting at `start`: the name's bounds (trimmed; `nameEnd` nil when
  /// the segment has no `=`), the value's bounds (trimmed), and where the next segment starts.
  /// `nameStart..<valueEnd` is always the whole trimmed segment.
  @inline(__always)
  static func nextPair(_ field: UnsafeBufferPointer<UInt8>, from start: Int) -> (
    nameStart: Int, nameEnd: Int?, valueStart: Int, valueEnd: Int, next: Int
  ) {
    var index = start
    let end = field.count
    while index < end, ASCII.isOWS(field[index]) { index += 1 }
    let nameStart = index
    // The name (up to the first `=`), then the value (up to `;`) in a loop that tests one byte.
    var equals: Int?
    while index < end {
      let byte = field[index]
      if byte == UInt8(ascii: ";") { break }
      if byte == UInt8(ascii: "=") {
        equals = index
        index = semicolon(field, from: index + 1)
        break
      }
      index += 1
    }
    let next = index < end ? index + 1 : end
    var valueEnd = index
    while valueEnd > nameStart, ASCII.isOWS(field[valueEnd - 1]) { valueEnd -= 1 }
    guard var nameEnd = equals else {
      return (nameStart, nil, valueEnd, valueEnd, next)
    }
    var valueStart = nameEnd + 1
    while valueStart < valueEnd, ASCII.isOWS(field[valueStart]) { valueStart += 1 }
    while nameEnd > nameStart, ASCII.isOWS(field[nameEnd - 1]) { nameEnd -= 1 }
    return (nameStart, nameEnd, valueStart, valueEnd, next)
  }

  /// The index of the first `;` at or after `start`, or `field.count`. Eight bytes per step (a
  /// cookie value is typically a long ticket): a word's `;` bytes are found by the zero-byte
  /// test on the word XOR `;;;;;;;;`.
  static func semicolon(_ field: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
    let end = field.count
    var index = start
    if let base = field.baseAddress {
      let raw = UnsafeRawPointer(base)
      while index &+ 8 <= end {
        let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
        let x = word ^ 0x3B3B_3B3B_3B3B_3B3B
        let found = (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
        if found != 0 { return index &+ found.trailingZeroBitCount >> 3 }
        index &+= 8
      }
    }
    while index < end, field[index] != UInt8(ascii: ";") { index += 1 }
    return index
  }

  @inline(__always)
  static func equalBytes(
    _ field: UnsafeBufferPointer<UInt8>, _ start: Int, _ name: UnsafeBufferPointer<UInt8>
  ) -> Bool {
    var offset = 0
    while offset < name.count {
      if field[start + offset] != name[offset] { return false }
      offset += 1
    }
    return true
  }
}
