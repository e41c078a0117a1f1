import Net

/// Compact binary form (big-endian), version 1 or 2:
///
///     u8 version | u64 generation | i64 created, lastAccess, absoluteDeadline, lastRotation
///     | str userID | u16 n, n × (str key, str value) attributes
///     | u8 flags (1 elevated, 2 ip prefix, 4 UA hash)
///     | [u8 prefixLength, u8 family 4|6, 4|16 bytes network] | [32 bytes UA hash]
///     | 32 bytes csrfSecret | u16 n, n × (str, str) elevatedAttributes
///     | version 2 only: the extension (`SessionRecord+Extension`: vault, fingerprint)
///
/// A record without a vault or fingerprint is written as version 1, byte for byte what releases
/// before them wrote, so those releases (a rolling upgrade across replicas) still read it; a
/// record written by them opens here unchanged.
/// `str` is u16 length + UTF-8. Maps are written sorted by key, so equal records serialise equally.
/// Decoding is strict: unknown flags, trailing bytes, bad UTF-8 or lengths are `malformedRecord`.
extension SessionRecord {
  /// Largest user id, attribute key or value (bytes): the u16 length prefix.
  public static let maxFieldByteCount = Int(UInt16.max)

  /// Version 3: the compact form (a memory store's records; see `compactFormatVersion`).
  public func compactSerialized() throws(SessionError) -> [UInt8] {
    [Self.compactFormatVersion] + (try cacheForm())
  }

  public func serialized() throws(SessionError) -> [UInt8] {
    var w = ByteWriter()
    let extended = hasExtension
    w.u8(extended ? Self.extendedFormatVersion : Self.formatVersion)
    w.u64(generation)
    w.i64(created)
    w.i64(lastAccess)
    w.i64(absoluteDeadline)
    w.i64(lastRotation)
    try Self.checkField(userID, "user id")
    w.string(userID)
    try Self.write(attributes, to: &w)
    var flags: UInt8 = 0
    if elevated { flags |= 1 }
    if binding.ipPrefix != nil { flags |= 2 }
    if binding.userAgentHash != nil { flags |= 4 }
    w.u8(flags)
    try writeBindingAndSecret(to: &w)
    try Self.write(elevatedAttributes, to: &w)
    if extended { try writeExtension(to: &w) }
    return w.bytes
  }

  public init(serialized bytes: [UInt8]) throws(SessionError) {
    let parsed = bytes.withUnsafeBytes { bytes in
      Result { () throws(SessionError) in try SessionRecord(serializedBytes: bytes) }
    }
    self = try parsed.get()
  }

  /// `init(serialized:)` from bytes the caller holds (a cached record in its `ByteArena` block).
  init(serializedBytes bytes: UnsafeRawBufferPointer) throws(SessionError) {
    if bytes.first == Self.compactFormatVersion {
      try self.init(cacheForm: UnsafeRawBufferPointer(rebasing: bytes.dropFirst()))
      return
    }
    var r = ByteReader(bytes)
    func malformed(_ what: String) -> SessionError { SessionError(.malformedRecord, what) }
    guard let version = r.u8() else { throw malformed("empty record") }
    guard version == Self.formatVersion || version == Self.extendedFormatVersion else {
      throw SessionError(.unsupportedRecordVersion, "record version \(version)")
    }
    guard let generation = r.u64(), let created = r.i64(), let lastAccess = r.i64(),
      let absoluteDeadline = r.i64(), let lastRotation = r.i64()
    else { throw malformed("truncated times") }
    guard let userID = r.string() else { throw malformed("user id") }
    let attributes = try Self.readMap(&r, "attributes")
    guard let flags = r.u8(), flags & ~0x07 == 0 else { throw malformed("flags") }
    let (bound, csrf) = try Self.readBindingAndSecret(&r, flags: flags)
    var binding = bound
    let elevatedAttributes = try Self.readMap(&r, "elevated attributes")
    var vault: [VaultedCookie] = []
    if version == Self.extendedFormatVersion {
      (vault, binding.fingerprint) = try Self.readExtension(&r)
    }
    guard r.isAtEnd else { throw malformed("trailing bytes") }
    self.init(
      userID: userID, attributes: attributes, created: created, lastAccess: lastAccess,
      absoluteDeadline: absoluteDeadline, lastRotation: lastRotation, binding: binding, csrfSecret: csrf,
      elevated: flags & 1 != 0, elevatedAttributes: elevatedAttributes, generation: generation,
      vault: vault)
  }

  /// `[ip prefix] [UA hash] csrf secret`, as `flags` 2 and 4 announce them (both forms).
  func writeBindingAndSecret(to w: inout ByteWriter) throws(SessionError) {
    if let prefix = binding.ipPrefix {
      w.u8(UInt8(prefix.prefixLength))
      switch prefix.network {
      case .v4(let a):
        w.u8(4)
        w.raw([UInt8(a >> 24), UInt8(a >> 16 & 0xFF), UInt8(a >> 8 & 0xFF), UInt8(a & 0xFF)])
      case .v6(let h, let l):
        w.u8(6)
        w.u64(h)
        w.u64(l)
      }
    }
    if let hash = binding.userAgentHash {
      guard hash.count == 32 else { throw SessionError(.malformedRecord, "user agent hash must be 32 bytes") }
      w.raw(hash)
    }
    guard csrfSecret.count == Self.csrfSecretByteCount else {
      throw SessionError(.malformedRecord, "csrf secret must be 32 bytes")
    }
    w.raw(csrfSecret)
  }

  static func readBindingAndSecret(_ r: inout ByteReader, flags: UInt8) throws(SessionError) -> (
    SessionBinding, [UInt8]
  ) {
    func malformed(_ what: String) -> SessionError { SessionError(.malformedRecord, what) }
    var binding = SessionBinding()
    if flags & 2 != 0 {
      guard let length = r.u8(), let family = r.u8() else { throw malformed("ip prefix") }
      let address: IPAddress
      switch family {
      case 4:
        guard length <= 32, let b = r.raw(4) else { throw malformed("ipv4 prefix") }
        address = .v4(UInt32(b[0]) << 24 | UInt32(b[1]) << 16 | UInt32(b[2]) << 8 | UInt32(b[3]))
      case 6:
        guard length <= 128, let h = r.u64(), let l = r.u64() else { throw malformed("ipv6 prefix") }
        address = .v6(h, l)
      default:
        throw malformed("address family \(family)")
      }
      binding.ipPrefix = CIDR(address, prefixLength: Int(length))
    }
    if flags & 4 != 0 {
      guard let hash = r.raw(32) else { throw malformed("user agent hash") }
      binding.userAgentHash = hash
    }
    guard let csrf = r.raw(Self.csrfSecretByteCount) else { throw malformed("csrf secret") }
    return (binding, csrf)
  }

  static func checkField(_ s: String, _ what: String) throws(SessionError) {
    guard s.utf8.count <= maxFieldByteCount else {
      throw SessionError(.malformedRecord, "\(what) longer than \(maxFieldByteCount) bytes")
    }
  }

  private static func write(_ map: [String: String], to w: inout ByteWriter) throws(SessionError) {
    guard map.count <= Int(UInt16.max) else { throw SessionError(.malformedRecord, "too many attributes") }
    w.u16(UInt16(map.count))
    for key in map.keys.sorted() {
      let value = map[key]!
      try checkField(key, "attribute name")
      try checkField(value, "attribute value")
      w.string(key)
      w.string(value)
    }
  }

  private static func readMap(_ r: inout ByteReader, _ what: String) throws(SessionError) -> [String: String]
  {
    guard let count = r.u16() else { throw SessionError(.malformedRecord, what) }
    var map: [String: String] = [:]
    for _ in 0..<count {
      guard let key = r.string(), let value = r.string(), map[key] == nil else {
        throw SessionError(.malformedRecord, what)
      }
      map[key] = value
    }
    return map
  }
}
