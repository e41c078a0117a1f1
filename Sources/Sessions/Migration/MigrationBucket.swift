/// The split bucket (0..<100) of a user, from the hash tag `{…}` that every key of the user
/// carries (`s:{tag}:…`, `u:{tag}`): all of a user's sessions and the per-user cap are decided
/// by one store, and every replica computes the same bucket. The tag is already a keyed hash of
/// the user id, so FNV-1a over it spreads users evenly. Same tag rule as Redis Cluster (first
/// `{`, the next `}`, not empty); a key without one hashes whole. No allocation. Stateless.
public enum MigrationBucket {
  public static let count = 100

  public static func of(key: String) -> Int {
    let utf8 = key.utf8
    var tag = utf8[...]
    if let open = utf8.firstIndex(of: UInt8(ascii: "{")) {
      let rest = utf8[utf8.index(after: open)...]
      if let close = rest.firstIndex(of: UInt8(ascii: "}")), close != rest.startIndex {
        tag = utf8[rest.startIndex..<close]
      }
    }
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in tag { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return Int(hash % UInt64(count))
  }
}
