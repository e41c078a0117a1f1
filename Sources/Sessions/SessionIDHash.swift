import Codecs

/// SHA-256 of a session id, as four words: the identity a store and the L1 cache know a session by
/// (never the id itself). Hashing four integers is cheaper than hashing a key string on the hot
/// path. Immutable.
public struct SessionIDHash: Hashable, Sendable {
  public let w0: UInt64
  public let w1: UInt64
  public let w2: UInt64
  public let w3: UInt64

  init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
    self.w0 = w0
    self.w1 = w1
    self.w2 = w2
    self.w3 = w3
  }

  /// From the 32 digest bytes (big-endian words).
  public init?(digest: [UInt8]) {
    guard digest.count == 32 else { return nil }
    func word(_ i: Int) -> UInt64 {
      var v: UInt64 = 0
      for j in 0..<8 { v = v << 8 | UInt64(digest[i * 8 + j]) }
      return v
    }
    w0 = word(0)
    w1 = word(1)
    w2 = word(2)
    w3 = word(3)
  }

  /// The 32 digest bytes.
  public var bytes: [UInt8] {
    var out = [UInt8]()
    out.reserveCapacity(32)
    for w in [w0, w1, w2, w3] {
      for shift in stride(from: 56, through: 0, by: -8) {
        out.append(UInt8(truncatingIfNeeded: w >> UInt64(shift)))
      }
    }
    return out
  }

  /// 64 lower-case hex digits.
  public var hex: String { Hex.encode(bytes) }

  /// The first 8 bytes in hex: what logs and `X-Session-Hash` carry.
  public var logPrefix: String { Hex.encode(bytes.prefix(8)) }

  /// Parses the hash out of a store key `s:{<tag>}:<64 hex>` (e.g. from a Redis invalidation).
  public init?(storeKey: String) {
    let utf8 = storeKey.utf8
    guard utf8.count >= 64 else { return nil }
    let tail = Substring(storeKey).utf8.suffix(64)
    guard let digest = Hex.decode(tail), let hash = SessionIDHash(digest: digest) else { return nil }
    self = hash
  }
}
