/// An open-addressing hash index from a key to a slot number in a table its owner keeps
/// (`SessionCache`'s entries, `MemorySessionStore`'s sessions and users). Four bytes per
/// bucket, at most three quarters full: ~5–10 bytes per entry, against ~100 for a
/// `[SessionIDHash: Int]` at 100,000 entries. The keys stay in the owner's slots: the index
/// knows only each slot's home word (`homeOf(slot)`), and a lookup asks the owner whether a slot
/// matches. Linear probing, deletion by backward shift (no tombstones). Nothing is allocated
/// until the first insert. Value type; the owner's lock guards it.
///
/// For a `SessionIDHash` the home is `w1`: SHA-256 output of server-chosen ids, so a client cannot
/// aim keys at one bucket.
struct SessionSlotIndex {
  /// 0: empty; otherwise slot + 1.
  private var buckets: [UInt32] = []
  private(set) var count = 0

  // MARK: By home word

  /// The first slot filed under `home` that `match`es.
  func find(home: UInt64, where match: (Int) -> Bool) -> Int? {
    guard count > 0 else { return nil }
    let mask = buckets.count - 1
    var b = Int(truncatingIfNeeded: home) & mask
    while true {
      let v = buckets[b]
      if v == 0 { return nil }
      if match(Int(v &- 1)) { return Int(v &- 1) }
      b = (b &+ 1) & mask
    }
  }

  /// Adds `slot` under `home` (`homeOf(slot) == home`); several slots may share a home.
  mutating func insert(home: UInt64, slot: Int, homeOf: (Int) -> UInt64) {
    if (count + 1) * 4 > buckets.count * 3 { grow(homeOf) }
    place(home, UInt32(slot) &+ 1)
    count += 1
  }

  /// Removes `slot`'s bucket (filed under `home`), shifting the following run back so no probe
  /// breaks.
  mutating func remove(home: UInt64, slot: Int, homeOf: (Int) -> UInt64) {
    guard count > 0 else { return }
    let mask = buckets.count - 1
    var hole = Int(truncatingIfNeeded: home) & mask
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
      let home = Int(truncatingIfNeeded: homeOf(Int(v &- 1))) & mask
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

  /// Files `new` in `slot`'s bucket (both under `home`): the same place, another slot.
  mutating func replace(home: UInt64, slot: Int, with new: Int) {
    let mask = buckets.count - 1
    var b = Int(truncatingIfNeeded: home) & mask
    while buckets[b] != UInt32(slot) &+ 1 { b = (b &+ 1) & mask }
    buckets[b] = UInt32(new) &+ 1
  }

  mutating func removeAll() {
    buckets = []
    count = 0
  }

  // MARK: By SessionIDHash

  /// The slot holding `hash`, if any (the first one `accept`s, when several share the hash).
  func find(
    _ hash: SessionIDHash, key: (Int) -> SessionIDHash, where accept: (Int) -> Bool = { _ in true }
  ) -> Int? {
    find(home: hash.w1) { key($0) == hash && accept($0) }
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

  mutating func insert(_ hash: SessionIDHash, slot: Int, key: (Int) -> SessionIDHash) {
    insert(home: hash.w1, slot: slot) { key($0).w1 }
  }

  mutating func remove(_ hash: SessionIDHash, slot: Int, key: (Int) -> SessionIDHash) {
    remove(home: hash.w1, slot: slot) { key($0).w1 }
  }

  // MARK: Buckets

  private mutating func place(_ home: UInt64, _ value: UInt32) {
    let mask = buckets.count - 1
    var b = Int(truncatingIfNeeded: home) & mask
    while buckets[b] != 0 { b = (b &+ 1) & mask }
    buckets[b] = value
  }

  private mutating func grow(_ homeOf: (Int) -> UInt64) {
    let old = buckets
    buckets = Array(repeating: 0, count: max(16, old.count * 2))
    for v in old where v != 0 { place(homeOf(Int(v &- 1)), v) }
  }
}
