/// A `MemoryStoreState`'s users, without a table of their own: the user index files each user
/// under the low 32 bits of its user key's hash (kept in every session slot as `userHome`) and
/// points at the user's first session, whose chain (`nextOfUser`) holds the rest. The key itself
/// is read back from the sessions' entries, so two keys sharing a hash are still told apart and
/// nothing per user is kept besides its index bucket (docs/performance.md "Memory").
extension MemoryStoreState {
  static func home(userKey: String) -> UInt32 {
    UInt32(truncatingIfNeeded: MemoryStoreBytes.hash(userKey: userKey))
  }

  /// `userKey`'s first session slot, if the user has one.
  func user(_ userKey: String) -> Int? {
    let home = Self.home(userKey: userKey)
    return userIndex.find(home: UInt64(home)) { slots[$0].userHome == home && self.userKey($0) == userKey }
  }

  /// Every user's first session slot.
  func userHeads() -> [Int] {
    slots.indices.filter { i in
      isLive(i) && userIndex.find(home: UInt64(slots[i].userHome)) { $0 == i } != nil
    }
  }

  /// Links new live slot `i` (its `userHome` set) at the front of its user's chain.
  mutating func linkToUser(_ i: Int, userKey: String) {
    let head = user(userKey)
    var userIndex = SessionSlotIndex()
    swap(&userIndex, &self.userIndex)
    if let head {
      setNextOfUser(i, Int32(head))
      userIndex.replace(home: UInt64(slots[i].userHome), slot: head, with: i)
    } else {
      setNextOfUser(i, Self.none)
      userIndex.insert(home: UInt64(slots[i].userHome), slot: i) { UInt64(slots[$0].userHome) }
    }
    self.userIndex = userIndex
  }

  /// Takes live slot `i` off its user's chain (the user goes with its last session).
  mutating func unlinkFromUser(_ i: Int) {
    let home = slots[i].userHome
    let key = userKey(i)
    let head = userIndex.find(home: UInt64(home)) { slots[$0].userHome == home && self.userKey($0) == key }!
    let next = slots[i].nextOfUser
    if head == i {
      var userIndex = SessionSlotIndex()
      swap(&userIndex, &self.userIndex)
      if next == Self.none {
        userIndex.remove(home: UInt64(home), slot: i) { UInt64(slots[$0].userHome) }
      } else {
        userIndex.replace(home: UInt64(home), slot: i, with: Int(next))
      }
      self.userIndex = userIndex
    } else {
      var p = head
      while slots[p].nextOfUser != Int32(i) { p = Int(slots[p].nextOfUser) }
      setNextOfUser(p, next)
    }
    setNextOfUser(i, Self.notLive)
  }
}
