/// The form the L1 keeps a record in (both homes of `SessionCache`): the serialised record's
/// fields, smaller. It never leaves the process, so it needs no version and no compatibility:
///
///     varint generation | i64 created
///     | zigzag varint lastAccess − created, absoluteDeadline − created, lastRotation − created
///     | vstr userID | varint n, n × (vstr key, vstr value) attributes
///     | u8 flags (1 elevated, 2 ip prefix, 4 UA hash, 8 extension)
///     | [ip prefix] [UA hash] csrf secret (as `serialized()` writes them)
///     | varint n, n × (vstr, vstr) elevatedAttributes | [extension, as `serialized()` writes it]
///
/// `vstr` is a varint length + UTF-8. A bench session's record is ~76 bytes here against ~101
/// serialised (docs/performance.md "Memory"). Maps are written sorted by key.
extension SessionRecord {
  func cacheForm() throws(SessionError) -> [UInt8] {
    var w = ByteWriter()
    w.varint(generation)
    w.i64(created)
    for t in [lastAccess, absoluteDeadline, lastRotation] { w.varint(Self.zigzag(t &- created)) }
    try Self.checkField(userID, "user id")
    w.varintString(userID)
    Self.writeCacheMap(attributes, to: &w)
    var flags: UInt8 = 0
    if elevated { flags |= 1 }
    if binding.ipPrefix != nil { flags |= 2 }
    if binding.userAgentHash != nil { flags |= 4 }
    if hasExtension { flags |= 8 }
    w.u8(flags)
    try writeBindingAndSecret(to: &w)
    Self.writeCacheMap(elevatedAttributes, to: &w)
    if hasExtension { try writeExtension(to: &w) }
    return w.bytes
  }

  init(cacheForm bytes: UnsafeRawBufferPointer) throws(SessionError) {
    var r = ByteReader(bytes)
    func malformed(_ what: String) -> SessionError { SessionError(.malformedRecord, what) }
    guard let generation = r.varint(), let created = r.i64(), let lastAccess = r.varint(),
      let absoluteDeadline = r.varint(), let lastRotation = r.varint()
    else { throw malformed("cached times") }
    guard let userID = r.varintString() else { throw malformed("cached user id") }
    let attributes = try Self.readCacheMap(&r)
    guard let flags = r.u8(), flags & ~0x0F == 0 else { throw malformed("cached flags") }
    let (bound, csrf) = try Self.readBindingAndSecret(&r, flags: flags)
    var binding = bound
    let elevatedAttributes = try Self.readCacheMap(&r)
    var vault: [VaultedCookie] = []
    if flags & 8 != 0 { (vault, binding.fingerprint) = try Self.readExtension(&r) }
    guard r.isAtEnd else { throw malformed("cached record: trailing bytes") }
    self.init(
      userID: userID, attributes: attributes, created: created,
      lastAccess: created &+ Self.unzigzag(lastAccess),
      absoluteDeadline: created &+ Self.unzigzag(absoluteDeadline),
      lastRotation: created &+ Self.unzigzag(lastRotation), binding: binding, csrfSecret: csrf,
      elevated: flags & 1 != 0, elevatedAttributes: elevatedAttributes, generation: generation, vault: vault)
  }

  private static func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }
  private static func unzigzag(_ v: UInt64) -> Int64 { Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1) }

  private static func writeCacheMap(_ map: [String: String], to w: inout ByteWriter) {
    w.varint(UInt64(map.count))
    for key in map.keys.sorted() {
      w.varintString(key)
      w.varintString(map[key]!)
    }
  }

  private static func readCacheMap(_ r: inout ByteReader) throws(SessionError) -> [String: String] {
    guard let count = r.varint() else { throw SessionError(.malformedRecord, "cached map") }
    var map: [String: String] = [:]
    for _ in 0..<count {
      guard let key = r.varintString(), let value = r.varintString(), map[key] == nil else {
        throw SessionError(.malformedRecord, "cached map")
      }
      map[key] = value
    }
    return map
  }
}
