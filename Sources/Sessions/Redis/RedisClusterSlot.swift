/// Redis Cluster key → hash slot (cluster spec, docs/redis.md §9): CRC16-XMODEM
/// (polynomial 0x1021, initial value 0, no reflection, no final xor) of the key's hash tag,
/// modulo 16384. Pure and immutable.
///
/// Hash tag: when the key has a `{` and, after it, a `}` with at least one byte between them,
/// only the bytes between the first `{` and the first `}` after it are hashed; otherwise the
/// whole key is (`foo{}{bar}` hashes whole, `foo{{bar}}` hashes `{bar`). Session keys carry the
/// user's tag (`gh:s:{tag}:…`, `gh:u:{tag}`), so all of a user's keys share one slot.
public enum RedisClusterSlot {
  public static let count = 16384

  /// The slot of `key`.
  public static func of<Key: Collection<UInt8>>(_ key: Key) -> Int {
    Int(crc16(hashTag(of: key)) & UInt16(count - 1))
  }

  /// The part of `key` that is hashed.
  public static func hashTag<Key: Collection<UInt8>>(of key: Key) -> Key.SubSequence {
    guard let open = key.firstIndex(of: UInt8(ascii: "{")) else { return key[...] }
    let afterOpen = key.index(after: open)
    guard let close = key[afterOpen...].firstIndex(of: UInt8(ascii: "}")), close != afterOpen else {
      return key[...]
    }
    return key[afterOpen..<close]
  }

  /// CRC16-XMODEM; `crc16("123456789") == 0x31C3`.
  public static func crc16<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt16 {
    var crc: UInt16 = 0
    for byte in bytes {
      crc = (crc << 8) ^ table[Int(UInt8(truncatingIfNeeded: crc >> 8) ^ byte)]
    }
    return crc
  }

  private static let table: [UInt16] = (0..<256).map { index in
    var crc = UInt16(index) << 8
    for _ in 0..<8 {
      crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1
    }
    return crc
  }
}
