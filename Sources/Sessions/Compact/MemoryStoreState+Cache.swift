/// The memory store as the L1 (`SessionCache(store:)`): a live slot's cached record.
extension MemoryStoreState {
  /// `read` over the cached record of `hash`'s live session while `now` is before both deadlines
  /// (in place: the record's block is not copied); counts a hit or a miss. An expired cached
  /// record is no longer served (the session stays).
  mutating func cachedRecord<R>(_ hash: SessionIDHash, now: Int64, _ read: (UnsafeRawBufferPointer) -> R)
    -> R?
  {
    guard let i = slot(hash), isLive(i), slots[i].cacheDeadline != Self.notServed else {
      coherence.misses &+= 1
      return nil
    }
    guard now < slots[i].cacheDeadline && now < slots[i].deadline else {
      dropRecord(i)
      coherence.misses &+= 1
      return nil
    }
    coherence.hits &+= 1
    return arena.withBytes(slots[i].record, read)
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
