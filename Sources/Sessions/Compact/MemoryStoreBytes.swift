import Codecs
import Crypto

/// A `MemorySessionStore` entry's bytes (one `ByteArena` block): what the slot does not keep
/// inline, with everything that can be derived from the slot's key left out.
///
///     u8 flags: kind (1 live, 2 forwarding) | 0x04 tagged key | 0x08 user key of the tag
///               | 0x10 summary hash of the slot's key | 0x20 unsealed (no sealed record here)
///     | store key: tagged (`s:{<16 hex>}:<the slot's 64 hex>`, what tickets make): the 8 tag
///       bytes; otherwise the whole key as a string
///     live:       | [user key, unless it is `u:{<the tag's hex>}`]
///                 | [summary hash, unless it is the slot hash's log prefix]
///                 | varint ip prefix, varint user agent (numbers in the store's `InternedStrings`)
///                 | sealed record, unless unsealed
///     forwarding: | str new store key | sealed forwarding record
///
/// `str` is a varint length + UTF-8; the sealed record's wire form runs to the end, so whatever
/// it carries needs no change here. A bench session (tagged key, derived user key and hash,
/// shared UA and prefix) costs 1 + 8 + 2 bytes here besides its sealed record.
///
/// Unsealed: once the store, as its own L1, holds the session's record in the cache form
/// (`MemoryStoreState.setRecord`), the entry drops its sealed copy (`unsealed(_:)`): the record
/// is then held once, and sealed again only on the way out (docs/performance.md "Memory, round
/// 4").
enum MemoryStoreBytes {
  static let live: UInt8 = 1
  static let forwarding: UInt8 = 2
  private static let kindMask: UInt8 = 0x03
  private static let taggedKey: UInt8 = 0x04
  private static let userKeyOfTag: UInt8 = 0x08
  private static let hashOfKey: UInt8 = 0x10
  private static let unsealedFlag: UInt8 = 0x20
  private static let tagByteCount = 8

  /// The fixed-size key a store key is filed under: the hash it ends with (`s:{tag}:<64 hex>`),
  /// or the SHA-256 of a key of any other form.
  static func hash(storeKey: String) -> SessionIDHash {
    SessionIDHash(storeKey: storeKey) ?? SessionIDHash(digest: SHA256.hash(Array(storeKey.utf8)))!
  }

  /// The 64-bit key a user key is filed under (the first word of its SHA-256).
  static func hash(userKey: String) -> UInt64 {
    SessionIDHash(digest: SHA256.hash(Array(userKey.utf8)))!.w0
  }

  static func live(
    storeKey: String, hash: SessionIDHash, userKey: String, _ session: StoredSession,
    strings: inout InternedStrings
  ) -> [UInt8] {
    let tag = tag(of: storeKey, hash: hash)
    var flags = live | (tag == nil ? 0 : taggedKey)
    if let tag, userKey == "u:{" + Hex.encode(tag) + "}" { flags |= userKeyOfTag }
    if session.summary.hash == hash.logPrefix { flags |= hashOfKey }
    var w = ByteWriter()
    w.u8(flags)
    if let tag { w.raw(tag) } else { w.varintString(storeKey) }
    if flags & userKeyOfTag == 0 { w.varintString(userKey) }
    if flags & hashOfKey == 0 { w.varintString(session.summary.hash) }
    w.varint(UInt64(strings.retain(session.summary.ipPrefix)))
    w.varint(UInt64(strings.retain(session.summary.userAgent)))
    w.raw(session.sealed.bytes)
    return w.bytes
  }

  static func forwarding(storeKey: String, hash: SessionIDHash, newStoreKey: String, _ forward: SealedRecord)
    -> [UInt8]
  {
    let tag = tag(of: storeKey, hash: hash)
    var w = ByteWriter()
    w.u8(forwarding | (tag == nil ? 0 : taggedKey))
    if let tag { w.raw(tag) } else { w.varintString(storeKey) }
    w.varintString(newStoreKey)
    w.raw(forward.bytes)
    return w.bytes
  }

  static func kind(_ bytes: UnsafeRawBufferPointer) -> UInt8 { bytes[0] & kindMask }

  static func storeKey(_ bytes: UnsafeRawBufferPointer, hash: SessionIDHash) -> String {
    var r = ByteReader(bytes)
    return readHead(&r, hash: hash).storeKey
  }

  /// The live session's user key (`bytes` of a live entry).
  static func userKey(_ bytes: UnsafeRawBufferPointer) -> String {
    var r = ByteReader(bytes)
    return readUserKey(&r, readHead(&r, hash: nil))
  }

  /// The live session's summary, with the times the slot keeps beside its bytes.
  static func summary(
    _ bytes: UnsafeRawBufferPointer, hash: SessionIDHash, created: Int64, lastAccess: Int64, expiresAt: Int64,
    strings: InternedStrings
  ) -> SessionSummary {
    var r = ByteReader(bytes)
    let head = readHead(&r, hash: hash)
    _ = readUserKey(&r, head)
    let summaryHash = head.flags & hashOfKey != 0 ? hash.logPrefix : r.varintString()!
    let ipPrefix = strings.string(UInt32(r.varint()!))
    let userAgent = strings.string(UInt32(r.varint()!))
    return SessionSummary(
      storeKey: head.storeKey, hash: summaryHash, created: created, lastAccess: lastAccess,
      expiresAt: expiresAt, ipPrefix: ipPrefix, userAgent: userAgent)
  }

  /// The live entry's sealed record; nil once it is unsealed.
  static func sealed(_ bytes: UnsafeRawBufferPointer) -> SealedRecord? {
    guard bytes[0] & unsealedFlag == 0 else { return nil }
    return try! SealedRecord(bytes: Array(bytes[sealedOffset(bytes)...]))
  }

  static func isUnsealed(_ bytes: UnsafeRawBufferPointer) -> Bool { bytes[0] & unsealedFlag != 0 }

  /// The live entry without its sealed record (flagged unsealed).
  static func unsealed(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
    var out = Array(bytes[..<sealedOffset(bytes)])
    out[0] |= unsealedFlag
    return out
  }

  /// Where a live entry's sealed record starts: after its head, user key, hash and numbers
  /// (skipped, not decoded).
  private static func sealedOffset(_ bytes: UnsafeRawBufferPointer) -> Int {
    var r = ByteReader(bytes)
    let flags = r.u8()!
    if flags & taggedKey != 0 { _ = r.raw(tagByteCount)! } else { _ = r.varintString()! }
    if flags & userKeyOfTag == 0 { _ = r.varintString()! }
    if flags & hashOfKey == 0 { _ = r.varintString()! }
    _ = r.varint()!
    _ = r.varint()!
    return r.offset
  }

  /// Gives back the interned strings a live entry names (before its block goes).
  static func release(_ bytes: UnsafeRawBufferPointer, strings: inout InternedStrings) {
    var r = ByteReader(bytes)
    let head = readHead(&r, hash: nil)
    guard head.flags & kindMask == live else { return }
    _ = readUserKey(&r, head)
    if head.flags & hashOfKey == 0 { _ = r.varintString() }
    strings.release(UInt32(r.varint()!))
    strings.release(UInt32(r.varint()!))
  }

  /// The forwarding entry's successor key and sealed forwarding record.
  static func forward(_ bytes: UnsafeRawBufferPointer) -> (newStoreKey: String, forward: SealedRecord) {
    var r = ByteReader(bytes)
    _ = readHead(&r, hash: nil)
    let newStoreKey = r.varintString()!
    return (newStoreKey, try! SealedRecord(bytes: r.rest()))
  }

  // MARK: Keys

  private struct Head {
    var flags: UInt8
    /// Tagged keys: the tag's 16 hex digits; otherwise the whole key.
    var tagHex: String?
    var storeKey: String
  }

  /// The 8 tag bytes of `storeKey` when it is exactly `s:{<16 hex>}:<hash's 64 hex>`.
  private static func tag(of storeKey: String, hash: SessionIDHash) -> [UInt8]? {
    let utf8 = Array(storeKey.utf8)
    let tagHexCount = 2 * tagByteCount
    guard utf8.count == 3 + tagHexCount + 2 + 64, storeKey.hasPrefix("s:{"),
      utf8[3 + tagHexCount] == UInt8(ascii: "}"), utf8[4 + tagHexCount] == UInt8(ascii: ":"),
      let tag = Hex.decode(Substring(storeKey).utf8.dropFirst(3).prefix(tagHexCount)),
      tag.count == tagByteCount,
      "s:{" + Hex.encode(tag) + "}:" + hash.hex == storeKey
    else { return nil }
    return tag
  }

  /// Reads the flags and the store key (`hash` nil: only the tag is needed).
  private static func readHead(_ r: inout ByteReader, hash: SessionIDHash?) -> Head {
    let flags = r.u8()!
    guard flags & taggedKey != 0 else {
      let key = r.varintString()!
      return Head(flags: flags, tagHex: nil, storeKey: key)
    }
    let tagHex = Hex.encode(r.raw(tagByteCount)!)
    return Head(flags: flags, tagHex: tagHex, storeKey: hash.map { "s:{" + tagHex + "}:" + $0.hex } ?? "")
  }

  private static func readUserKey(_ r: inout ByteReader, _ head: Head) -> String {
    if head.flags & userKeyOfTag != 0 { return "u:{" + head.tagHex! + "}" }
    return r.varintString()!
  }
}
