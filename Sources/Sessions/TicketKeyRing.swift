import Crypto

/// The server keys that sign and verify session tickets: the first key signs, every key verifies,
/// so the signing key can be rotated by prepending a new key and dropping the old one once the
/// longest session lifetime (absolute timeout) has passed.
///
/// The user-tag key is separate and must stay stable across signing-key rotations: the tag names
/// the per-user index (`u:{tag}`), so a tag that changed with the signing key would split a user's
/// sessions over two indexes and `revokeAll` would miss half of them. By default it is derived from
/// the LAST key of the list (the oldest, by the prepend convention); operators who rotate every key
/// should configure it explicitly. Immutable, thread-safe.
public struct TicketKeyRing: Sendable {
  public static let minimumKeyByteCount = 32

  /// Signing (index 0) and verification keys, in order.
  public let keys: [[UInt8]]
  /// `keys` with their HMAC pads absorbed once (a verification per request).
  private let preparedKeys: [HMACSHA256Key]
  let userTagKey: [UInt8]

  /// Refuses an empty ring and any key shorter than 32 bytes (HMAC-SHA256's security level).
  public init(keys: [[UInt8]], userTagKey: [UInt8]? = nil) throws(SessionError) {
    guard !keys.isEmpty else { throw SessionError(.invalidKey, "no session key configured") }
    for (index, key) in keys.enumerated() where key.count < Self.minimumKeyByteCount {
      throw SessionError(
        .invalidKey,
        "session key #\(index + 1) has \(key.count) bytes, at least \(Self.minimumKeyByteCount) needed")
    }
    if let userTagKey, userTagKey.count < Self.minimumKeyByteCount {
      throw SessionError(.invalidKey, "user tag key has \(userTagKey.count) bytes, at least 32 needed")
    }
    self.keys = keys
    self.preparedKeys = keys.map { HMACSHA256Key($0) }
    self.userTagKey =
      userTagKey
      ?? HMACSHA256.authenticate(key: keys[keys.count - 1], message: Array("gatehouse user tag v1".utf8))
  }

  /// HMAC-SHA256 of `message` under the signing key.
  func sign(_ message: [UInt8]) -> [UInt8] {
    preparedKeys[0].authenticate(message)
  }

  /// True when `mac` is `message`'s HMAC under any key. Every key is tried (no early exit) and each
  /// comparison is constant-time, so timing reveals neither the MAC nor which key matched.
  func verify(_ message: [UInt8], mac: [UInt8]) -> Bool {
    var matched = false
    for key in preparedKeys {
      let expected = key.authenticate(message)
      matched = ConstantTime.equals(expected, mac) || matched
    }
    return matched
  }

  /// The keyed 8-byte tag of `userID` (Redis hash tag: slot placement without revealing the id).
  public func userTag(for userID: String) -> [UInt8] {
    Array(
      HMACSHA256.authenticate(key: userTagKey, message: Array(userID.utf8)).prefix(
        SessionTicket.userTagByteCount))
  }

  /// The per-user index key for `userID`: `u:{<tag hex>}`.
  public func userKey(for userID: String) -> String {
    SessionTicket.userKey(userTag: userTag(for: userID))
  }
}
