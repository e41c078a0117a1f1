import Codecs
import Crypto

/// The session ticket: what the cookie carries. Immutable.
///
/// Wire form (then base64url without padding, 119 characters):
///
///     version(1) ‖ userTag(8) ‖ id(16) ‖ secret(32) ‖ HMAC-SHA256(serverKey, "gh-ticket" ‖ the 57 bytes)(32)
///
/// - `id` (128-bit random) names the session; a store sees only SHA-256(id) (`idHash`).
/// - `secret` (256-bit random) seals the record in the store; only the cookie holds it, so a store
///   dump yields neither usable cookies nor plaintext.
/// - `userTag` (keyed hash of the user id, `TicketKeyRing.userTag(for:)`) puts all of a user's keys
///   in one Redis hash slot; it is signed with the rest, so it cannot be swapped.
/// - The MAC is checked (constant time, every ring key) in `decode` before anything else uses the
///   ticket, so forged cookies never cause a store lookup.
public struct SessionTicket: Sendable, Equatable {
  public static let currentVersion: UInt8 = 1
  public static let idByteCount = 16
  public static let secretByteCount = 32
  public static let userTagByteCount = 8
  static let macByteCount = 32
  static let payloadByteCount = 1 + userTagByteCount + idByteCount + secretByteCount
  static let wireByteCount = payloadByteCount + macByteCount
  /// Length of the cookie value: unpadded base64url of `wireByteCount` bytes.
  public static let encodedLength = (wireByteCount * 8 + 5) / 6
  private static let macDomain: [UInt8] = Array("gh-ticket".utf8)

  public let version: UInt8
  public let userTag: [UInt8]
  public let id: [UInt8]
  public let secret: [UInt8]
  /// SHA-256 of the id: the session's identity in stores and caches. Computed once: every
  /// request uses it several times (cache key, store key, log hash).
  public let idHash: SessionIDHash
  /// The store key: `s:{<user tag hex>}:<SHA-256(id) hex>`. Never contains the id itself.
  /// Computed once: a request on the store path names it twice (the lookup and the sealed
  /// record's aad), and the verified-ticket cache keeps the ticket across requests.
  public let storeKey: String

  /// A ticket from explicit parts (tests, forwarding records). Sizes are checked.
  public init(userTag: [UInt8], id: [UInt8], secret: [UInt8]) {
    precondition(userTag.count == Self.userTagByteCount && id.count == Self.idByteCount)
    precondition(secret.count == Self.secretByteCount)
    self.version = Self.currentVersion
    self.userTag = userTag
    self.id = id
    self.secret = secret
    self.idHash = SessionIDHash(digest: SHA256.hash(id))!
    self.storeKey = Self.storeKey(userTag: userTag, idHash: idHash)
  }

  /// A fresh ticket for `userID`: id and secret from the CSPRNG.
  public static func issue(userID: String, keyRing: TicketKeyRing) -> SessionTicket {
    SessionTicket(
      userTag: keyRing.userTag(for: userID), id: SecureRandom.bytes(idByteCount),
      secret: SecureRandom.bytes(secretByteCount))
  }

  var payload: [UInt8] {
    var out = [UInt8]()
    out.reserveCapacity(Self.wireByteCount)
    out.append(version)
    out.append(contentsOf: userTag)
    out.append(contentsOf: id)
    out.append(contentsOf: secret)
    return out
  }

  /// The cookie value, signed with the ring's first key.
  public func encode(keyRing: TicketKeyRing) -> String {
    var wire = payload
    wire.append(contentsOf: keyRing.sign(Self.macDomain + wire))
    return Base64URL.encode(wire)
  }

  /// Parses and authenticates a cookie value. Checks, in order: exact length and canonical
  /// base64url (`malformedTicket`), version (`unsupportedTicketVersion`), MAC under any ring key
  /// (`badTicketSignature`). Nothing is looked up.
  public static func decode(_ cookieValue: UnsafeBufferPointer<UInt8>, keyRing: TicketKeyRing)
    throws(SessionError) -> SessionTicket
  {
    guard cookieValue.count == encodedLength else {
      throw SessionError(
        .malformedTicket, "ticket has \(cookieValue.count) characters, expected \(encodedLength)")
    }
    guard let wire = Base64URL.decode(cookieValue), wire.count == wireByteCount else {
      throw SessionError(.malformedTicket, "ticket is not canonical base64url")
    }
    guard wire[0] == currentVersion else {
      throw SessionError(.unsupportedTicketVersion, "ticket version \(wire[0])")
    }
    let payload = Array(wire[0..<payloadByteCount])
    let mac = Array(wire[payloadByteCount...])
    guard keyRing.verify(macDomain + payload, mac: mac) else {
      throw SessionError(.badTicketSignature, "ticket signature matches no configured key")
    }
    var offset = 1
    func take(_ n: Int) -> [UInt8] {
      defer { offset += n }
      return Array(payload[offset..<offset + n])
    }
    let tag = take(userTagByteCount)
    let id = take(idByteCount)
    let secret = take(secretByteCount)
    return SessionTicket(userTag: tag, id: id, secret: secret)
  }

  /// `decode` over a string's UTF-8.
  public static func decode(_ cookieValue: String, keyRing: TicketKeyRing) throws(SessionError)
    -> SessionTicket
  {
    let bytes = Array(cookieValue.utf8)
    return try bytes.withUnsafeBufferPointer { (buffer) throws(SessionError) -> SessionTicket in
      try decode(buffer, keyRing: keyRing)
    }
  }

  /// The per-user index key: `u:{<user tag hex>}` (same hash tag as the store keys).
  public var userKey: String { Self.userKey(userTag: userTag) }

  /// A short hex prefix of SHA-256(id) for logs and `X-Session-Hash`; never the id.
  public var hashForLogs: String { idHash.logPrefix }

  /// Written in place into one string (a ticket computes it once, on every verified-ticket
  /// cache miss, so it stays cheap: no intermediate hex strings).
  public static func storeKey(userTag: [UInt8], idHash: SessionIDHash) -> String {
    let count = 3 + 2 * userTag.count + 2 + 64
    return String(unsafeUninitializedCapacity: count) { out in
      let digits: StaticString = "0123456789abcdef"
      var at = 0
      func put(_ byte: UInt8) {
        out[at] = byte
        at += 1
      }
      func putHex(_ byte: UInt8) {
        put(digits.utf8Start[Int(byte >> 4)])
        put(digits.utf8Start[Int(byte & 0x0F)])
      }
      put(UInt8(ascii: "s"))
      put(UInt8(ascii: ":"))
      put(UInt8(ascii: "{"))
      for byte in userTag { putHex(byte) }
      put(UInt8(ascii: "}"))
      put(UInt8(ascii: ":"))
      func putWord(_ word: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) {
          putHex(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
        }
      }
      putWord(idHash.w0)
      putWord(idHash.w1)
      putWord(idHash.w2)
      putWord(idHash.w3)
      return at
    }
  }

  public static func userKey(userTag: [UInt8]) -> String { "u:{" + Hex.encode(userTag) + "}" }

  /// `u:{tag}` for a store key `s:{tag}:<hex>`; nil when `storeKey` does not have that shape.
  public static func userKey(ofStoreKey storeKey: String) -> String? {
    let bytes = Array(storeKey.utf8)
    guard bytes.count > 4, bytes[0] == UInt8(ascii: "s"), bytes[1] == UInt8(ascii: ":"),
      bytes[2] == UInt8(ascii: "{"), let close = bytes.firstIndex(of: UInt8(ascii: "}")),
      close + 1 < bytes.count, bytes[close + 1] == UInt8(ascii: ":")
    else { return nil }
    return "u" + String(decoding: bytes[1...close], as: UTF8.self)
  }
}
