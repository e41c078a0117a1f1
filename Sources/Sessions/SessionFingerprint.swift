import Crypto

/// Fingerprint binding (`[session] bind_fingerprint`): keyed hashes of the listed request
/// headers' values at login, never the values. A later request is compared header by header;
/// the similarity is the fraction of the stored headers whose value is unchanged
/// (docs/vault.md, "Fingerprint binding"). The key is random per session, so equal header values
/// of two sessions do not hash alike and the stored hashes cannot be matched against a
/// dictionary of common User-Agents. Immutable value; the functions are pure.
public struct SessionFingerprint: Sendable, Equatable {
  public static let keyByteCount = 32
  /// Bytes kept of each HMAC-SHA256 (equality only; 128 bits is beyond guessing).
  public static let hashByteCount = 16

  public struct Entry: Sendable, Equatable {
    /// Lower-case header name.
    public var header: String
    public var hash: [UInt8]

    public init(header: String, hash: [UInt8]) {
      self.header = header
      self.hash = hash
    }
  }

  public var key: [UInt8]
  public var entries: [Entry]

  public init(key: [UInt8], entries: [Entry]) {
    self.key = key
    self.entries = entries
  }

  /// The fingerprint of a login whose `headers[i]` had `values[i]` (nil: absent), under `key`.
  public init(headers: [String], values: [[UInt8]?], key: [UInt8]) {
    self.key = key
    entries = zip(headers, values).map { Entry(header: $0, hash: Self.hash($1, key: key)) }
  }

  /// HMAC-SHA256(key, 0x01 ‖ value) for a present header, HMAC-SHA256(key, 0x00) for an absent
  /// one (an empty header and a missing one differ), truncated.
  public static func hash(_ value: [UInt8]?, key: [UInt8]) -> [UInt8] {
    var message: [UInt8] = [value == nil ? 0 : 1]
    if let value { message.append(contentsOf: value) }
    return Array(HMACSHA256.authenticate(key: key, message: message).prefix(hashByteCount))
  }

  /// The stored headers whose value differs now. `value(header)` answers `.some(nil)` for a
  /// header listed now but absent from the request, and nil for a header no longer listed
  /// (which is not compared).
  public func changedHeaders(_ value: (String) -> [UInt8]??) -> (changed: [String], compared: Int) {
    var changed: [String] = []
    var compared = 0
    for entry in entries {
      guard let current = value(entry.header) else { continue }
      compared += 1
      if !ConstantTime.equals(entry.hash, Self.hash(current, key: key)) { changed.append(entry.header) }
    }
    return (changed, compared)
  }

  /// Fraction of compared headers unchanged (1 when nothing is compared).
  public static func similarity(compared: Int, changed: Int) -> Double {
    compared == 0 ? 1 : Double(compared - changed) / Double(compared)
  }
}
