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
    var negative = false
    var digits = bytes[...]
    if digits.first == UInt8(ascii: "-") {
      negative = true
      digits = digits.dropFirst()
    }
    guard !digits.isEmpty, digits.count <= 19 else { return nil }
    var value: Int64 = 0
    for byte in digits {
      guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
      let (times10, o1) = value.multipliedReportingOverflow(by: 10)
      let (sum, o2) = times10.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
      guard !o1 && !o2 else { return nil }
      value = sum
    }
    return negative ? -value : value
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
