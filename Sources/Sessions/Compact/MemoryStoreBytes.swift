import Crypto

/// The one allocation a `MemorySessionStore` entry keeps: every string of the session's summary
/// and its sealed record as bytes, instead of a `StoredSession` of six Strings and three arrays.
///
///     u8 kind (1 live, 2 forwarding; | 0x80 when the store key is held whole)
///     | str store key head (the key without its trailing 64-hex hash, which the entry's fixed-size
///       key already is) or, | 0x80, the whole store key
///     live:       | str user key | str summary hash | str ip prefix | str user agent | sealed record
///     forwarding: | str new store key | sealed forwarding record
///
/// `str` is a u16 length + UTF-8; the sealed record's wire form runs to the end, so whatever it
/// carries needs no change here.
enum MemoryStoreBytes {
  static let live: UInt8 = 1
  static let forwarding: UInt8 = 2
  private static let wholeKey: UInt8 = 0x80

  /// The fixed-size key a store key is filed under: the hash it ends with (`s:{tag}:<64 hex>`),
  /// or the SHA-256 of a key of any other form.
  static func hash(storeKey: String) -> SessionIDHash {
    SessionIDHash(storeKey: storeKey) ?? SessionIDHash(digest: SHA256.hash(Array(storeKey.utf8)))!
  }

  /// The fixed-size key a user key is filed under.
  static func hash(userKey: String) -> SessionIDHash {
    SessionIDHash(digest: SHA256.hash(Array(userKey.utf8)))!
  }

  static func live(storeKey: String, hash: SessionIDHash, userKey: String, _ session: StoredSession)
    -> [UInt8]
  {
    var w = head(live, storeKey: storeKey, hash: hash)
    w.string(userKey)
    w.string(session.summary.hash)
    w.string(session.summary.ipPrefix)
    w.string(session.summary.userAgent)
    w.raw(session.sealed.bytes)
    return w.bytes
  }

  static func forwarding(storeKey: String, hash: SessionIDHash, newStoreKey: String, _ forward: SealedRecord)
    -> [UInt8]
  {
    var w = head(forwarding, storeKey: storeKey, hash: hash)
    w.string(newStoreKey)
    w.raw(forward.bytes)
    return w.bytes
  }

  static func kind(_ bytes: [UInt8]) -> UInt8 { bytes[0] & ~wholeKey }

  static func storeKey(_ bytes: [UInt8], hash: SessionIDHash) -> String {
    var r = ByteReader(bytes)
    return readStoreKey(&r, hash: hash)
  }

  /// The live session's user key (`bytes` of a live entry).
  static func userKey(_ bytes: [UInt8]) -> String {
    var r = ByteReader(bytes)
    _ = readStoreKey(&r, hash: nil)
    return r.string()!
  }

  /// The live session, with the times the entry keeps beside its bytes.
  static func session(
    _ bytes: [UInt8], hash: SessionIDHash, created: Int64, lastAccess: Int64, expiresAt: Int64
  ) -> StoredSession {
    var r = ByteReader(bytes)
    let storeKey = readStoreKey(&r, hash: hash)
    _ = r.string()  // user key
    let summaryHash = r.string()!
    let ipPrefix = r.string()!
    let userAgent = r.string()!
    let sealed = try! SealedRecord(bytes: r.rest())
    return StoredSession(
      sealed: sealed,
      summary: SessionSummary(
        storeKey: storeKey, hash: summaryHash, created: created, lastAccess: lastAccess, expiresAt: expiresAt,
        ipPrefix: ipPrefix, userAgent: userAgent))
  }

  /// The forwarding entry's successor key and sealed forwarding record.
  static func forward(_ bytes: [UInt8]) -> (newStoreKey: String, forward: SealedRecord) {
    var r = ByteReader(bytes)
    _ = readStoreKey(&r, hash: nil)
    let newStoreKey = r.string()!
    return (newStoreKey, try! SealedRecord(bytes: r.rest()))
  }

  private static func head(_ kind: UInt8, storeKey: String, hash: SessionIDHash) -> ByteWriter {
    var w = ByteWriter()
    let hex = hash.hex
    if storeKey.hasSuffix(hex) {
      w.u8(kind)
      w.string(String(storeKey.dropLast(hex.count)))
    } else {
      w.u8(kind | wholeKey)
      w.string(storeKey)
    }
    return w
  }

  private static func readStoreKey(_ r: inout ByteReader, hash: SessionIDHash?) -> String {
    let kind = r.u8()!
    let head = r.string()!
    guard kind & wholeKey == 0, let hash else { return head }
    return head + hash.hex
  }
}
