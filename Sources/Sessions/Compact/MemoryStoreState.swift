/// Everything a `MemorySessionStore` holds, under its lock. Compact: one slot per session (or
/// forwarding) in one array, filed under its fixed-size key in a `SessionSlotIndex`; a slot keeps
/// its times inline and everything else in one byte allocation (`MemoryStoreBytes`). A user is a
/// slot with the hash of its user key and the first of its sessions, which are chained through
/// their slots. Slots are reused through free lists; nothing is reserved ahead of use.
///
/// With the store as the L1 (`SessionCache(store:)`), a live slot also carries the session's
/// unsealed record (`SessionRecord.serialized()`) until `cacheDeadline`, and `coherence` is the
/// cache's fill and invalidation bookkeeping, under this same lock.
struct MemoryStoreState {
  static let none: Int32 = -1

  struct Slot {
    var hash: SessionIDHash
    /// Live: the session's deadline (`expiresAt`); forwarding: the end of its grace.
    var deadline: Int64
    var created: Int64
    var lastAccess: Int64
    /// Live: its user's slot; forwarding: `none`.
    var user: Int32
    /// The user's next session, or `none`.
    var nextOfUser: Int32
    /// The cached record (store as the L1) is served while `now` is before this.
    var cacheDeadline: Int64
    /// `MemoryStoreBytes`; empty while the slot is free.
    var bytes: [UInt8]
    /// The cached serialised record (store as the L1); empty when none.
    var record: [UInt8]
  }

  struct User {
    var hash: SessionIDHash
    /// First session slot; `none` while the user slot is free.
    var first: Int32
  }

  private(set) var slots: [Slot] = []
  private var index = SessionSlotIndex()
  private var free: [Int32] = []
  private(set) var users: [User] = []
  private var userIndex = SessionSlotIndex()
  private var freeUsers: [Int32] = []
  /// Slots carrying a cached record.
  private(set) var cached = 0
  var coherence = SessionCacheCoherence()

  var count: Int { index.count }

  // MARK: Lookup

  /// The slot filed under `storeKey` (whatever it holds, expired or not).
  func slot(storeKey: String) -> Int? {
    let hash = MemoryStoreBytes.hash(storeKey: storeKey)
    return index.find(hash, key: { slots[$0].hash }) {
      MemoryStoreBytes.storeKey(slots[$0].bytes, hash: hash) == storeKey
    }
  }

  /// The one slot filed under `hash` (the cache's key); nil if none, or if several store keys end
  /// in the same hash (ids are 128 random bits, so only made-up keys share one).
  func slot(_ hash: SessionIDHash) -> Int? { index.findUnique(hash) { slots[$0].hash } }

  func user(_ userKey: String) -> Int? {
    let hash = MemoryStoreBytes.hash(userKey: userKey)
    return userIndex.find(hash) { users[$0].hash }
  }

  func isLive(_ i: Int) -> Bool { slots[i].user != Self.none }

  /// Whether slot `i` is a live session of `userKey`'s (expired or not).
  func isLive(_ i: Int, of userKey: String) -> Bool {
    isLive(i) && users[Int(slots[i].user)].hash == MemoryStoreBytes.hash(userKey: userKey)
  }

  func session(_ i: Int) -> StoredSession {
    let s = slots[i]
    return MemoryStoreBytes.session(
      s.bytes, hash: s.hash, created: s.created, lastAccess: s.lastAccess, expiresAt: s.deadline)
  }

  func storeKey(_ i: Int) -> String { MemoryStoreBytes.storeKey(slots[i].bytes, hash: slots[i].hash) }

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
  mutating func liveSessions(ofUser u: Int, now: Int64) -> [Int] {
    var all: [Int] = []
    var i = users[u].first
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
    let i = takeSlot()
    let u = userSlot(userKey)
    slots[i] = Slot(
      hash: hash, deadline: session.summary.expiresAt, created: session.summary.created,
      lastAccess: session.summary.lastAccess, user: Int32(u), nextOfUser: users[u].first, cacheDeadline: 0,
      bytes: MemoryStoreBytes.live(storeKey: storeKey, hash: hash, userKey: userKey, session), record: [])
    users[u].first = Int32(i)
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
    dropRecord(i)
    slots[i].deadline = until
    slots[i].bytes = MemoryStoreBytes.forwarding(
      storeKey: storeKey, hash: slots[i].hash, newStoreKey: newStoreKey, forward)
  }

  mutating func remove(_ i: Int) {
    if isLive(i) { unlinkFromUser(i) }
    dropRecord(i)
    var index = takeIndex()
    index.remove(slots[i].hash, slot: i) { slots[$0].hash }
    self.index = index
    slots[i].bytes = []
    free.append(Int32(i))
  }

  /// Every occupied slot whose deadline is not after `now`.
  func expired(now: Int64) -> [Int] {
    slots.indices.filter { !slots[$0].bytes.isEmpty && now >= slots[$0].deadline }
  }

  // MARK: The store as the L1

  mutating func setRecord(_ i: Int, _ record: [UInt8], until deadline: Int64) {
    if slots[i].record.isEmpty { cached += 1 }
    slots[i].record = record
    slots[i].cacheDeadline = deadline
  }

  mutating func dropRecord(_ i: Int) {
    guard !slots[i].record.isEmpty else { return }
    slots[i].record = []
    cached -= 1
  }

  mutating func dropAllRecords() {
    for i in slots.indices { dropRecord(i) }
  }

  // MARK: Slots

  private mutating func takeSlot() -> Int {
    if let i = free.popLast() { return Int(i) }
    slots.append(
      Slot(
        hash: SessionIDHash(w0: 0, w1: 0, w2: 0, w3: 0), deadline: 0, created: 0, lastAccess: 0,
        user: Self.none,
        nextOfUser: Self.none, cacheDeadline: 0, bytes: [], record: []))
    return slots.count - 1
  }

  /// `userKey`'s slot, filed on first use.
  private mutating func userSlot(_ userKey: String) -> Int {
    let hash = MemoryStoreBytes.hash(userKey: userKey)
    if let u = userIndex.find(hash, key: { users[$0].hash }) { return u }
    let u: Int
    if let reused = freeUsers.popLast() {
      u = Int(reused)
      users[u] = User(hash: hash, first: Self.none)
    } else {
      users.append(User(hash: hash, first: Self.none))
      u = users.count - 1
    }
    var userIndex = SessionSlotIndex()
    swap(&userIndex, &self.userIndex)
    userIndex.insert(hash, slot: u) { users[$0].hash }
    self.userIndex = userIndex
    return u
  }

  /// Takes live slot `i` off its user's chain; a user left without sessions is freed.
  private mutating func unlinkFromUser(_ i: Int) {
    let u = Int(slots[i].user)
    if users[u].first == Int32(i) {
      users[u].first = slots[i].nextOfUser
    } else {
      var p = Int(users[u].first)
      while slots[p].nextOfUser != Int32(i) { p = Int(slots[p].nextOfUser) }
      slots[p].nextOfUser = slots[i].nextOfUser
    }
    slots[i].user = Self.none
    slots[i].nextOfUser = Self.none
    guard users[u].first == Self.none else { return }
    var userIndex = SessionSlotIndex()
    swap(&userIndex, &self.userIndex)
    userIndex.remove(users[u].hash, slot: u) { users[$0].hash }
    self.userIndex = userIndex
    freeUsers.append(Int32(u))
  }

  private mutating func takeIndex() -> SessionSlotIndex {
    var index = SessionSlotIndex()
    swap(&index, &self.index)
    return index
  }
}

extension MemoryStoreState {
  /// The cached record of `hash`'s live session while `now` is before both deadlines; counts a
  /// hit or a miss. An expired cached record is dropped (the session stays).
  mutating func cachedRecord(_ hash: SessionIDHash, now: Int64) -> [UInt8]? {
    guard let i = slot(hash), isLive(i), !slots[i].record.isEmpty else {
      coherence.misses &+= 1
      return nil
    }
    guard now < slots[i].cacheDeadline && now < slots[i].deadline else {
      dropRecord(i)
      coherence.misses &+= 1
      return nil
    }
    coherence.hits &+= 1
    return slots[i].record
  }

  /// Caches `record` on `hash`'s live session until `deadline`; a deadline not after `now`
  /// drops it instead. Answers whether it stored.
  mutating func cacheRecord(_ hash: SessionIDHash, _ record: [UInt8], until deadline: Int64, now: Int64)
    -> Bool
  {
    guard let i = slot(hash), isLive(i) else { return false }
    guard deadline > now else {
      dropRecord(i)
      return false
    }
    setRecord(i, record, until: deadline)
    return true
  }

  mutating func uncacheRecord(_ hash: SessionIDHash) {
    if let i = slot(hash) { dropRecord(i) }
  }
}
