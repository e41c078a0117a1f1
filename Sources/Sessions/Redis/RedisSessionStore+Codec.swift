/// Arguments for and replies from `RedisSessionScripts`.
extension RedisSessionStore {
  /// `expiresAt − now` in µs, rounded up, saturating; ≤ 0 means already expired.
  static func ttlMicros(_ expiresAt: Int64, _ now: Int64) -> Int64 {
    let (difference, overflow) = expiresAt.subtractingReportingOverflow(now)
    if overflow { return expiresAt > now ? Int64.max / 1000 : Int64.min / 1000 }
    if difference <= 0 { return difference / 1000 }
    return difference / 1000 + (difference % 1000 == 0 ? 0 : 1)
  }

  static func saturatingSubtract(_ a: Int64, _ b: Int64) -> Int64 {
    let (result, overflow) = a.subtractingReportingOverflow(b)
    if overflow { return b > 0 ? Int64.min : Int64.max }
    return result
  }

  /// ASCII decimal digits of `value` (what the scripts' `tonumber` and `cmp` read).
  static func decimal(_ value: Int64) -> [UInt8] {
    if value == 0 { return [UInt8(ascii: "0")] }
    var digits: [UInt8] = []
    var magnitude = value.magnitude
    while magnitude > 0 {
      digits.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
      magnitude /= 10
    }
    if value < 0 { digits.append(UInt8(ascii: "-")) }
    digits.reverse()
    return digits
  }

  static func parseDecimal(_ bytes: [UInt8]) -> Int64? {
    bytes.withUnsafeBytes { parseDecimal($0) }
  }

  static func parseDecimal(_ bytes: UnsafeRawBufferPointer) -> Int64? {
    // By index over the raw bytes: a lookup parses six numbers per request, and the slice
    // walk with overflow checks per digit cost ~300 instructions a number.
    let count = bytes.count
    let negative = count > 0 && bytes[0] == UInt8(ascii: "-")
    var at = negative ? 1 : 0
    guard count > at, count - at <= 19 else { return nil }
    // 19 digits fit in a UInt64 (< 1.9e19): no overflow check per digit.
    var value: UInt64 = 0
    // Eight digits at a time (a lookup's deadlines and clock have 16): checked and combined
    // in one word, the first digit in the lowest byte (docs/performance.md, "Session from
    // Redis, round 6").
    while count - at >= 8 {
      let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self))
      // Each byte 0x30…0x39: high nibble 3, and adding 6 keeps it there (no byte above '9').
      guard
        (word & 0xF0F0_F0F0_F0F0_F0F0) | (((word &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) >> 4)
          == 0x3333_3333_3333_3333
      else { return nil }
      var eight = ((word & 0x0F0F_0F0F_0F0F_0F0F) &* 2561) >> 8
      eight = ((eight & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16
      eight = ((eight & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32
      value = value &* 100_000_000 &+ eight
      at += 8
    }
    while at < count {
      let digit = bytes[at] &- UInt8(ascii: "0")
      guard digit < 10 else { return nil }
      value = value &* 10 &+ UInt64(digit)
      at += 1
    }
    guard value <= UInt64(Int64.max) else { return nil }
    return negative ? -Int64(value) : Int64(value)
  }

  /// The script arguments sealed, created, lastAccess, expiresAt, ip, ua, hash.
  static func appendFields(_ session: StoredSession, to args: inout [[UInt8]]) {
    let s = session.summary
    args.append(session.sealed.bytes)
    args.append(decimal(s.created))
    args.append(decimal(s.lastAccess))
    args.append(decimal(s.expiresAt))
    args.append(Array(s.ipPrefix.utf8))
    args.append(Array(s.userAgent.utf8))
    args.append(Array(s.hash.utf8))
  }

  /// `u:{tag}` for `s:{tag}:<hex>`; nil when `storeKey` does not have that shape.
  static func userKey(ofStoreKey storeKey: String) -> String? { SessionTicket.userKey(ofStoreKey: storeKey) }

  /// A stored sealed record; `.malformedRecord` (not an outage) if the bytes do not parse.
  static func sealed(_ bytes: [UInt8]) -> Result<SealedRecord, SessionError>? {
    bytes.withUnsafeBytes { sealed($0) }
  }

  /// `sealed` over a reply's bytes read in place (no copy of the whole value first).
  static func sealed(_ bytes: UnsafeRawBufferPointer) -> Result<SealedRecord, SessionError> {
    do throws(SessionError) {
      return .success(try SealedRecord(bytes: bytes))
    } catch {
      return .failure(SessionError(.malformedRecord, "stored value: \(error.kind.rawValue)"))
    }
  }

  /// From {sealed, created, lastAccess, expiresAt, ip, ua, hash}.
  static func session(storeKey: String, _ items: ArraySlice<RedisReply>) -> Result<
    StoredSession, SessionError
  >? {
    guard items.count == 7, let sealedBytes = items[items.startIndex].bytes,
      let summary = summary(storeKey: storeKey, items.dropFirst())
    else { return nil }
    return sealed(sealedBytes).map { $0.map { StoredSession(sealed: $0, summary: summary) } }
  }

  /// From {created, lastAccess, expiresAt, ip, ua, hash}.
  static func summary(storeKey: String, _ items: ArraySlice<RedisReply>) -> SessionSummary? {
    guard items.count == 6 else { return nil }
    let i = items.startIndex
    guard let created = items[i].bytes.flatMap(parseDecimal),
      let lastAccess = items[i + 1].bytes.flatMap(parseDecimal),
      let expiresAt = items[i + 2].bytes.flatMap(parseDecimal), let ip = items[i + 3].bytes,
      let ua = items[i + 4].bytes, let hash = items[i + 5].bytes
    else { return nil }
    return SessionSummary(
      storeKey: storeKey, hash: String(decoding: hash, as: UTF8.self), created: created,
      lastAccess: lastAccess, expiresAt: expiresAt, ipPrefix: String(decoding: ip, as: UTF8.self),
      userAgent: String(decoding: ua, as: UTF8.self))
  }
}
