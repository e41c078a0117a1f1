/// The L1's own entries (in front of Redis): a bounded LRU of compact entries. Each entry is the
/// session's fixed-size key, its deadline, two 32-bit list links and the name of the block
/// holding the record's serialised bytes (`SessionRecord.serialized()`, carrying every field of
/// the record generically) in one shared `ByteArena`; the slots live in one array and are found
/// through a `SessionSlotIndex`, so there is no per-entry object, array or dictionary node. Slots
/// and index grow with use up to `capacity`; nothing is reserved for an empty cache. Value type
/// under `SessionCache`'s lock.
struct SessionCacheSlots {
  private static let none: Int32 = -1

  private struct Slot {
    var hash: SessionIDHash
    var deadline: Int64
    var prev: Int32
    var next: Int32
    /// The serialised record's block; `ByteArena.none` while the slot is free.
    var record: ByteArena.Ref
  }

  let capacity: Int
  private var slots: [Slot] = []
  private var index = SessionSlotIndex()
  private var free: [Int32] = []
  private var arena = ByteArena()
  /// Most recently used.
  private var head = SessionCacheSlots.none
  /// Least recently used: the next victim.
  private var tail = SessionCacheSlots.none

  init(capacity: Int) { self.capacity = capacity }

  var count: Int { index.count }

  /// `read` over the serialised record of `hash` (in place) while `now` is before its deadline (an
  /// expired entry is removed); a hit becomes the most recently used.
  mutating func lookup<R>(_ hash: SessionIDHash, now: Int64, _ read: (UnsafeRawBufferPointer) -> R) -> R? {
    guard let i = find(hash) else { return nil }
    guard now < slots[i].deadline else {
      remove(i)
      return nil
    }
    if head != Int32(i) {
      unlink(i)
      pushFront(i)
    }
    return arena.withBytes(slots[i].record, read)
  }

  /// Inserts or replaces; a deadline not after `now` removes instead. Evicts the least recently
  /// used entry when full.
  mutating func store(_ hash: SessionIDHash, record: [UInt8], deadline: Int64, now: Int64) {
    if let i = find(hash) {
      guard deadline > now else {
        remove(i)
        return
      }
      arena.remove(slots[i].record)
      slots[i].record = arena.store(record)
      slots[i].deadline = deadline
      unlink(i)
      pushFront(i)
      return
    }
    guard deadline > now else { return }
    if free.isEmpty {
      if slots.count < capacity {
        free.append(Int32(slots.count))
        slots.append(Slot(hash: hash, deadline: 0, prev: Self.none, next: Self.none, record: ByteArena.none))
      } else {
        remove(Int(tail))
      }
    }
    let i = Int(free.removeLast())
    slots[i] = Slot(
      hash: hash, deadline: deadline, prev: Self.none, next: Self.none, record: arena.store(record))
    var index = takeIndex()
    index.insert(hash, slot: i) { slots[$0].hash }
    self.index = index
    pushFront(i)
  }

  mutating func remove(_ hash: SessionIDHash) {
    if let i = find(hash) { remove(i) }
  }

  mutating func removeAll() {
    slots = []
    index.removeAll()
    free = []
    arena = ByteArena()
    head = Self.none
    tail = Self.none
  }

  private func find(_ hash: SessionIDHash) -> Int? {
    index.find(hash) { slots[$0].hash }
  }

  private mutating func remove(_ i: Int) {
    unlink(i)
    var index = takeIndex()
    index.remove(slots[i].hash, slot: i) { slots[$0].hash }
    self.index = index
    arena.remove(slots[i].record)
    slots[i].record = ByteArena.none
    free.append(Int32(i))
    if arena.wantsCompaction { compact() }
  }

  /// Moves every record into a fresh arena (more of this one is on its free lists than in use).
  private mutating func compact() {
    let fresh = ByteArena()
    for i in slots.indices where slots[i].record != ByteArena.none {
      slots[i].record = arena.move(slots[i].record, to: fresh)
    }
    arena = fresh
  }

  /// The index, moved out (uniquely referenced) so it can be changed while it reads the slots.
  private mutating func takeIndex() -> SessionSlotIndex {
    var index = SessionSlotIndex()
    swap(&index, &self.index)
    return index
  }

  private mutating func unlink(_ i: Int) {
    let prev = slots[i].prev
    let next = slots[i].next
    if prev != Self.none { slots[Int(prev)].next = next } else { head = next }
    if next != Self.none { slots[Int(next)].prev = prev } else { tail = prev }
  }

  private mutating func pushFront(_ i: Int) {
    slots[i].prev = Self.none
    slots[i].next = head
    if head != Self.none { slots[Int(head)].prev = Int32(i) }
    head = Int32(i)
    if tail == Self.none { tail = Int32(i) }
  }
}
