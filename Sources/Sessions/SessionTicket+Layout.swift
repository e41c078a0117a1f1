import Crypto

extension SessionTicket {
  /// Length of the decoded cookie value (version, user tag, id, secret, MAC).
  public static let decodedByteCount = wireByteCount

  /// Where the parts sit in the decoded cookie value. `gatehouse audit` sees tickets as a client
  /// does and measures the bits that must be unpredictable (id, secret, MAC) without the key.
  public static let userTagBytes = 1..<(1 + userTagByteCount)
  public static let idBytes = userTagBytes.upperBound..<(userTagBytes.upperBound + idByteCount)
  public static let secretBytes = idBytes.upperBound..<(idBytes.upperBound + secretByteCount)
  public static let macBytes = secretBytes.upperBound..<wireByteCount

  /// The log hash (`hashForLogs`, what the admin API lists) of the session a cookie value names,
  /// read without verifying the MAC: a client's view, for matching its own sessions in a listing.
  /// nil when the value is not a ticket's shape.
  public static func unverifiedHashForLogs(_ cookieValue: String) -> String? {
    guard cookieValue.utf8.count == encodedLength, let wire = Base64URL.decode(Array(cookieValue.utf8)),
      wire.count == wireByteCount
    else { return nil }
    return SessionIDHash(digest: SHA256.hash(Array(wire[idBytes])))?.logPrefix
  }
}
