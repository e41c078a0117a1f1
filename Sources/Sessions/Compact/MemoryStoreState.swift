/// Everything a `MemorySessionStore` holds, under its lock. Compact: one slot per session (or
/// forwarding) in one array, filed under its fixed-size key in a `SessionSlotIndex`; a slot keeps
/// its times inline and everything else in one block of the store's `ByteArena`
/// (`MemoryStoreBytes`), with the strings many sessions share (User-Agent, IP prefix) interned.
/// A user is only a bucket of the user index pointing at its first session; its sessions are
/// chained through their slots (`MemoryStoreState+Users`). Slots are reused through free lists;
/// nothing is reserved ahead of use (docs/performance.md "Memory").
///
/// With the store as the L1 (`SessionCache(store:)`), a live slot also carries the session's
/// record in the cache form (`SessionRecord.cacheForm()`, another arena block), served until
/// `cacheDeadline`, and `coherence` is the cache's fill and invalidation bookkeeping, under this
/// same lock. The first such record makes the entry drop its sealed copy: from then on the record
/// block is the store's record too, kept when the cache stops serving it (invalidation, `ttl`,
/// `removeAll`) and sealed again only when loaded for a ticket (`seal(_:for:)`;
/// docs/performance.md "Memory, round 4").
struct MemoryStoreState {
  static let none: Int32 = -1
  /// `nextOfUser` of a slot that is not a live session (a forwarding, or free).
  static let notLive: Int32 = -2
  /// `cacheDeadline` of a slot whose record the cache does not serve.
  static let notServed = Int64.min

  struct Slot {
    var hash: SessionIDHash
    /// Live: the session's deadline (`expiresAt`); forwarding: the end of its grace.
    var deadline: Int64
    var created: Int64
    var lastAccess: Int64
    /// The cached record (store as the L1) is served while `now` is before this; `notServed`
    /// when it is not served (or there is none).
    var cacheDeadline: Int64
    /// Live: the low 32 bits of its user key's hash (the user index's home for it).
    var userHome: UInt32
    /// Live: the user's next session, or `none`; `notLive` otherwise.
    var nextOfUser: Int32
    /// `MemoryStoreBytes` in the arena; `ByteArena.none` while the slot is free.
    var entry: ByteArena.Ref
    /// The record's cache form (store as the L1) in the arena; `ByteArena.none` when none.
    var record: ByteArena.Ref
  }

  private(set) var slots: [Slot] = []
  private var index = SessionSlotIndex()
  private var free: [Int32] = []
  /// Each user's first session, by `userHome`.
  var userIndex = SessionSlotIndex()
  private(set) var arena = ByteArena()
  private var strings = InternedStrings()
  /// Slots whose record the cache serves.
  private(set) var cached = 0
  var coherence = SessionCacheCoherence()

  var count: Int { index.count }
  /// Distinct interned summary strings.
  var internedCount: Int { strings.count }

  // MARK: Lookup

  /// The slot filed under `storeKey` (whatever it holds, expired or not).
  func slot(storeKey: String) -> Int? {
    let hash = MemoryStoreBytes.hash(storeKey: storeKey)
    return index.find(hash, key: { slots[$0].hash }) { self.storeKey($0) == storeKey }
  }

  /// The one slot filed under `hash` (the cache's key); nil if none, or if several store keys end
  /// in the same hash (ids are 128 random bits, so only made-up keys share one).
  func slot(_ hash: SessionIDHash) -> Int? { index.findUnique(hash) { slots[$0].hash } }

  func isLive(_ i: Int) -> Bool { slots[i].nextOfUser != Self.notLive }

  /// Whether slot `i` is a live session of `userKey`'s (expired or not).
  func isLive(_ i: Int, of userKey: String) -> Bool { isLive(i) && self.userKey(i) == userKey }

  func summary(_ i: Int) -> SessionSummary {
    let s = slots[i]
    return arena.withBytes(s.entry) {
      MemoryStoreBytes.summary(
        $0, hash: s.hash, created: s.created, lastAccess: s.lastAccess, expiresAt: s.deadline,
        strings: strings)
    }
  }

  /// Live slot `i`'s sealed record as the store was given it; nil once the entry is unsealed.
  func keptSealedRecord(_ i: Int) -> SealedRecord? {
    arena.withBytes(slots[i].entry) { MemoryStoreBytes.sealed($0) }
  }

  /// Live slot `i`'s record in the cache form when its entry is unsealed (the store's record).
  func unsealedRecord(_ i: Int) -> [UInt8]? {
    guard slots[i].record != ByteArena.none, arena.withBytes(slots[i].entry, MemoryStoreBytes.isUnsealed)
    else { return nil }
    return arena.bytes(slots[i].record)
  }

  /// Live slot `i` as a `StoredSession`; an unsealed record is sealed for `ticket`, or, without
  /// a ticket, answered as a record no secret opens (`SealedRecord.opensForNobody`).
  func session(_ i: Int, ticket: SessionTicket? = nil) -> StoredSession {
    if let sealed = keptSealedRecord(i) { return StoredSession(sealed: sealed, summary: summary(i)) }
    return StoredSession(
      sealed: Self.seal(unsealedRecord(i) ?? [], for: ticket), summary: summary(i))
  }

  /// A live record's cache form sealed for `ticket` (as `SessionRecord.sealed(for:compact:)`
  /// seals it: version 3).
  static func seal(_ cacheForm: [UInt8], for ticket: SessionTicket?) -> SealedRecord {
    guard let ticket, !cacheForm.isEmpty,
      let sealed = try? SealedRecord.seal(
        [SessionRecord.compactFormatVersion] + cacheForm, secret: ticket.secret, storeKey: ticket.storeKey,
        purpose: .record)
    else { return .opensForNobody }
    return sealed
  }

  func storeKey(_ i: Int) -> String {
    arena.withBytes(slots[i].entry) { MemoryStoreBytes.storeKey($0, hash: slots[i].hash) }
  }

  /// Live slot `i`'s user key.
  func userKey(_ i: Int) -> String { arena.withBytes(slots[i].entry) { MemoryStoreBytes.userKey($0) } }

  /// Forwarding slot `i`'s successor key and sealed forwarding record.
  func forwarding(_ i: Int) -> (newStoreKey: String, forward: SealedRecord) {
    arena.withBytes(slots[i].entry) { MemoryStoreBytes.forward($0) }
  }

  /// Slot `i` if it is live and before its deadline; an expired one is removed.
  mutating func live(_ i: Int, now: Int64) -> Int? {
    guard isLive(i) else { return nil }
    guard now < slots[i].deadline else {
      remove(i)
      return nil
    }
    return i
  }

  /// The user's live sessions, least recently used (smallest deadline, then oldest) first;
  /// expired ones are removed on the way.
  mutating func liveSessions(ofUser head: Int, now: Int64) -> [Int] {
    var all: [Int] = []
    var i = Int32(head)
    while i != Self.none {
      all.append(Int(i))
      i = slots[Int(i)].nextOfUser
    }
    var out: [(Int64, Int64, String, Int)] = []
    for i in all where live(i, now: now) != nil {
      out.append((slots[i].deadline, slots[i].created, storeKey(i), i))
    }
    out.sort { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }
    return out.map(\.3)
  }

  mutating func liveSessions(of userKey: String, now: Int64) -> [Int] {
    guard let u = user(userKey) else { return [] }
    return liveSessions(ofUser: u, now: now)
  }

  // MARK: Changes

  /// Files a live session under its summary's store key for `userKey`; the key must be absent.
  mutating func addLive(_ session: StoredSession, userKey: String) {
    let storeKey = session.summary.storeKey
    let hash = MemoryStoreBytes.hash(storeKey: storeKey)
    let bytes = MemoryStoreBytes.live(
      storeKey: storeKey, hash: hash, userKey: userKey, session, strings: &strings)
    let i = takeSlot()
    slots[i] = Slot(
      hash: hash, deadline: session.summary.expiresAt, created: session.summary.created,
      lastAccess: session.summary.lastAccess, cacheDeadline: Self.notServed,
      userHome: Self.home(userKey: userKey),
      nextOfUser: Self.none, entry: arena.store(bytes), record: ByteArena.none)
    linkToUser(i, userKey: userKey)
    var index = takeIndex()
    index.insert(hash, slot: i) { slots[$0].hash }
    self.index = index
  }

  mutating func touch(_ i: Int, lastAccess: Int64, expiresAt: Int64) {
    slots[i].deadline = max(slots[i].deadline, expiresAt)
    slots[i].lastAccess = max(slots[i].lastAccess, lastAccess)
  }

  /// Turns live slot `i` into a forwarding to `newStoreKey` until `until` (same key).
  mutating func forward(_ i: Int, to newStoreKey: String, _ forward: SealedRecord, until: Int64) {
    let storeKey = storeKey(i)
    unlinkFromUser(i)
    freeRecord(i)
    releaseEntry(i)
    slots[i].deadline = until
    slots[i].entry = arena.store(
      MemoryStoreBytes.forwarding(storeKey: storeKey, hash: slots[i].hash, newStoreKey: newStoreKey, forward))
    compactIfWanted()
  }

  mutating func remove(_ i: Int) {
    if isLive(i) { unlinkFromUser(i) }
    freeRecord(i)
    var index = takeIndex()
    index.remove(slots[i].hash, slot: i) { slots[$0].hash }
    self.index = index
    releaseEntry(i)
    slots[i].entry = ByteArena.none
    free.append(Int32(i))
    compactIfWanted()
  }

  /// Every occupied slot whose deadline is not after `now`.
  func expired(now: Int64) -> [Int] {
    slots.indices.filter { slots[$0].entry != ByteArena.none && now >= slots[$0].deadline }
  }

  // MARK: The store as the L1

  /// Live slot `i`'s record is now `record` (cache form), served until `deadline`; the entry
  /// drops its sealed copy the first time.
  mutating func setRecord(_ i: Int, _ record: [UInt8], until deadline: Int64) {
    if slots[i].cacheDeadline == Self.notServed { cached += 1 }
    if slots[i].record != ByteArena.none { arena.remove(slots[i].record) }
    slots[i].record = arena.store(record)
    slots[i].cacheDeadline = deadline
    let entry = slots[i].entry
    if !arena.withBytes(entry, MemoryStoreBytes.isUnsealed) {
      slots[i].entry = arena.store(arena.withBytes(entry, MemoryStoreBytes.unsealed))
      arena.remove(entry)
    }
  }

  /// The cache stops serving slot `i`'s record; an unsealed entry keeps it (the store's record).
  mutating func dropRecord(_ i: Int) {
    guard slots[i].record != ByteArena.none else { return }
    if slots[i].cacheDeadline != Self.notServed {
      slots[i].cacheDeadline = Self.notServed
      cached -= 1
    }
    if isLive(i) && arena.withBytes(slots[i].entry, MemoryStoreBytes.isUnsealed) { return }
    arena.remove(slots[i].record)
    slots[i].record = ByteArena.none
  }

  mutating func dropAllRecords() {
    for i in slots.indices { dropRecord(i) }
    compactIfWanted()
  }

  /// Frees slot `i`'s record block (its session or forwarding goes).
  private mutating func freeRecord(_ i: Int) {
    if slots[i].cacheDeadline != Self.notServed {
      slots[i].cacheDeadline = Self.notServed
      cached -= 1
    }
    guard slots[i].record != ByteArena.none else { return }
    arena.remove(slots[i].record)
    slots[i].record = ByteArena.none
  }

  // MARK: Slots and blocks

  /// Links slot `p`'s user chain to `next` (`MemoryStoreState+Users`).
  mutating func setNextOfUser(_ p: Int, _ next: Int32) { slots[p].nextOfUser = next }

  /// Gives back the block of slot `i`'s entry and the interned strings it names.
  private mutating func releaseEntry(_ i: Int) {
    let entry = slots[i].entry
    guard entry != ByteArena.none else { return }
    arena.withBytes(entry) { MemoryStoreBytes.release($0, strings: &strings) }
    arena.remove(entry)
  }

  /// Moves every block into a fresh arena when the free lists hold more than the live blocks.
  private mutating func compactIfWanted() {
    guard arena.wantsCompaction else { return }
    let fresh = ByteArena()
    for i in slots.indices {
      if slots[i].entry != ByteArena.none { slots[i].entry = arena.move(slots[i].entry, to: fresh) }
      if slots[i].record != ByteArena.none { slots[i].record = arena.move(slots[i].record, to: fresh) }
    }
    arena = fresh
  }

  private mutating func takeSlot() -> Int {
    if let i = free.popLast() { return Int(i) }
    slots.append(
      Slot(
        hash: SessionIDHash(w0: 0, w1: 0, w2: 0, w3: 0), deadline: 0, created: 0, lastAccess: 0,
        cacheDeadline: Self.notServed, userHome: 0, nextOfUser: Self.notLive, entry: ByteArena.none,
        record: ByteArena.none))
    return slots.count - 1
  }

  private mutating func takeIndex() -> SessionSlotIndex {
    var index = SessionSlotIndex()
    swap(&index, &self.index)
    return index
  }
}
