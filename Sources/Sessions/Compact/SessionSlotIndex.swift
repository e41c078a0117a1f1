/// An open-addressing hash index from a `SessionIDHash` to a slot number in a table its owner
/// keeps (`SessionCache`'s entries, `MemorySessionStore`'s sessions and users). Four bytes per
/// bucket, at most three quarters full: ~5–10 bytes per entry, against ~100 for a
/// `[SessionIDHash: Int]` at 100,000 entries. The keys stay in the owner's slots (`key(slot)`);
/// linear probing, deletion by backward shift (no tombstones). Nothing is allocated until the
/// first insert. Value type; the owner's lock guards it.
///
/// The bucket comes from `w1` of the hash: SHA-256 output of server-chosen ids, so a client cannot
/// aim keys at one bucket.
struct SessionSlotIndex {
  /// 0: empty; otherwise slot + 1.
  private var buckets: [UInt32] = []
  private(set) var count = 0

  private static func home(_ hash: SessionIDHash, _ mask: Int) -> Int {
    Int(truncatingIfNeeded: hash.w1) & mask
  }

  /// The slot holding `hash`, if any (the first one `accept`s, when several share the hash).
  func find(
    _ hash: SessionIDHash, key: (Int) -> SessionIDHash, where accept: (Int) -> Bool = { _ in true }
  ) -> Int? {
    guard count > 0 else { return nil }
    let mask = buckets.count - 1
    var b = Self.home(hash, mask)
    while true {
      let v = buckets[b]
      if v == 0 { return nil }
      let slot = Int(v &- 1)
      if key(slot) == hash && accept(slot) { return slot }
      b = (b &+ 1) & mask
    }
  }

  /// The one slot holding `hash`; nil if none or several do.
  func findUnique(_ hash: SessionIDHash, key: (Int) -> SessionIDHash) -> Int? {
    var found: Int?
    var several = false
    _ = find(hash, key: key) { slot in
      if found == nil { found = slot } else { several = true }
      return several
    }
    return several ? nil : found
  }

  /// Adds `slot` for `hash` (`key(slot) == hash`); several slots may share a hash.
  mutating func insert(_ hash: SessionIDHash, slot: Int, key: (Int) -> SessionIDHash) {
    if (count + 1) * 4 > buckets.count * 3 { grow(key) }
    place(hash, UInt32(slot) &+ 1)
    count += 1
  }

  /// Removes `slot`'s bucket (filed under `hash`), shifting the following run back so no probe
  /// breaks.
  mutating func remove(_ hash: SessionIDHash, slot: Int, key: (Int) -> SessionIDHash) {
    guard count > 0 else { return }
    let mask = buckets.count - 1
    var hole = Self.home(hash, mask)
    while true {
      let v = buckets[hole]
      if v == 0 { return }
      if v == UInt32(slot) &+ 1 { break }
      hole = (hole &+ 1) & mask
    }
    var j = hole
    while true {
      j = (j &+ 1) & mask
      let v = buckets[j]
      if v == 0 { break }
      let home = Self.home(key(Int(v &- 1)), mask)
      // The entry at j may fill the hole unless its home lies cyclically in (hole, j].
      let stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j)
      if !stays {
        buckets[hole] = v
        hole = j
      }
    }
    buckets[hole] = 0
    count -= 1
  }

  mutating func removeAll() {
    buckets = []
    count = 0
  }

  private mutating func place(_ hash: SessionIDHash, _ value: UInt32) {
    let mask = buckets.count - 1
    var b = Self.home(hash, mask)
    while buckets[b] != 0 { b = (b &+ 1) & mask }
    buckets[b] = value
  }

  private mutating func grow(_ key: (Int) -> SessionIDHash) {
    let old = buckets
    buckets = Array(repeating: 0, count: max(16, old.count * 2))
    for v in old where v != 0 { place(key(Int(v &- 1)), v) }
  }
}
