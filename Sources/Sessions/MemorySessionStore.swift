import Synchronization

/// The embedded session store (one process; docs/DECISIONS.md §8). Thread-safe: one
/// `Synchronization.Mutex` around all state, shared by every worker loop; each operation is one
/// critical section, so it is atomic exactly like the Redis scripts it stands in for.
///
/// Compact (`MemoryStoreState`): a session costs one slot with a fixed-size key and one byte
/// allocation, and with `SessionCache(store:)` the store is also the L1 (no second copy of a
/// session in a separate cache; docs/performance.md "Memory"). Once the L1 holds a session's
/// record, the store keeps only that unsealed form (docs/performance.md "Memory, round 4"): it
/// seals it for `load(ticket:)`, and `load(storeKey:)`, which has no secret to seal with, answers
/// the summary with a record that opens for nobody (`SealedRecord.opensForNobody`).
///
/// Completions run synchronously on the calling thread, before the method returns, and outside the
/// lock (a completion may call the store again).
///
/// Deadlines are enforced with the caller's `now`: an entry past its deadline is treated as absent
/// and removed when met. Sessions nobody asks for again are removed by `purgeExpired(now:)`, which
/// the owner calls on a timer (O(sessions)); `create` also drops the user's expired sessions.
public final class MemorySessionStore: SessionStore {
  let state = Mutex(MemoryStoreState())

  public init() {}

  public func create(
    _ session: StoredSession, userKey: String, limits: SessionLimits, now: Int64,
    completion: @escaping (Result<CreateOutcome, SessionError>) -> Void
  ) {
    let key = session.summary.storeKey
    let result: Result<CreateOutcome, SessionError> = state.withLock { state in
      if state.slot(storeKey: key) != nil {
        return .failure(SessionError(.storeConflict, "store key exists"))
      }
      let existing = state.liveSessions(of: userKey, now: now)
      var evicted: [String] = []
      if limits.maxPerUser > 0 && existing.count >= limits.maxPerUser {
        if limits.onLimit == .rejectNew { return .success(.rejectedLimitReached) }
        for victim in existing.prefix(existing.count - limits.maxPerUser + 1) {
          evicted.append(state.storeKey(victim))
          state.remove(victim)
        }
      }
      state.addLive(session, userKey: userKey)
      return .success(.created(evicted: evicted))
    }
    completion(result)
  }

  public func load(
    storeKey: String, now: Int64, completion: @escaping (Result<LoadOutcome, SessionError>) -> Void
  ) {
    completion(.success(load(storeKey, ticket: nil, now: now)))
  }

  /// As `load(storeKey:)`; a record kept unsealed (the store as its own L1) is sealed for
  /// `ticket` on the way out, outside the lock.
  public func load(
    ticket: SessionTicket, now: Int64, completion: @escaping (Result<LoadOutcome, SessionError>) -> Void
  ) {
    completion(.success(load(ticket.storeKey, ticket: ticket, now: now)))
  }

  private func load(_ storeKey: String, ticket: SessionTicket?, now: Int64) -> LoadOutcome {
    enum Found {
      case outcome(LoadOutcome)
      case unsealed(SessionSummary, [UInt8])
    }
    let found: Found = state.withLock { state in
      guard let i = state.slot(storeKey: storeKey) else { return .outcome(.notFound) }
      if state.isLive(i) {
        guard let i = state.live(i, now: now) else { return .outcome(.notFound) }
        if let sealed = state.keptSealedRecord(i) {
          return .outcome(.found(StoredSession(sealed: sealed, summary: state.summary(i))))
        }
        return .unsealed(state.summary(i), state.unsealedRecord(i) ?? [])
      }
      guard now < state.slots[i].deadline else {
        state.remove(i)
        return .outcome(.notFound)
      }
      let (newKey, forward) = state.forwarding(i)
      return .outcome(.forwarded(newStoreKey: newKey, forward: forward))
    }
    switch found {
    case .outcome(let outcome): return outcome
    case .unsealed(let summary, let record):
      return .found(StoredSession(sealed: MemoryStoreState.seal(record, for: ticket), summary: summary))
    }
  }

  public func touch(
    storeKey: String, userKey: String, lastAccess: Int64, expiresAt: Int64, now: Int64,
    completion: @escaping (Result<TouchOutcome, SessionError>) -> Void
  ) {
    let outcome: TouchOutcome = state.withLock { state in
      guard let found = state.slot(storeKey: storeKey), state.isLive(found, of: userKey),
        let i = state.live(found, now: now)
      else { return .notFound }
      let slot = state.slots[i]
      guard expiresAt > slot.deadline || lastAccess > slot.lastAccess else { return .unchanged }
      state.touch(i, lastAccess: lastAccess, expiresAt: expiresAt)
      return .touched
    }
    completion(.success(outcome))
  }

  public func rotate(
    userKey: String, oldKey: String, newSession: StoredSession, forward: SealedRecord, grace: Int64,
    now: Int64,
    completion: @escaping (Result<RotateOutcome, SessionError>) -> Void
  ) {
    let newKey = newSession.summary.storeKey
    let result: Result<RotateOutcome, SessionError> = state.withLock { state in
      guard let i = state.slot(storeKey: oldKey) else { return .success(.notFound) }
      guard state.isLive(i) else {
        guard now < state.slots[i].deadline else {
          state.remove(i)
          return .success(.notFound)
        }
        let (winnerKey, winnerForward) = state.forwarding(i)
        return .success(.alreadyRotated(newStoreKey: winnerKey, forward: winnerForward))
      }
      guard state.isLive(i, of: userKey), state.live(i, now: now) != nil else { return .success(.notFound) }
      if state.slot(storeKey: newKey) != nil {
        return .failure(SessionError(.storeConflict, "store key exists"))
      }
      // The new session first: the user keeps its slot while the old one turns into a forwarding.
      state.addLive(newSession, userKey: userKey)
      state.forward(i, to: newKey, forward, until: now &+ grace)
      return .success(.rotated)
    }
    completion(result)
  }

  public func destroy(
    storeKey: String, userKey: String, completion: @escaping (Result<Bool, SessionError>) -> Void
  ) {
    let existed: Bool = state.withLock { state in
      guard let i = state.slot(storeKey: storeKey), state.isLive(i, of: userKey) else { return false }
      state.remove(i)
      return true
    }
    completion(.success(existed))
  }

  public func revokeAll(userKey: String, completion: @escaping (Result<[String], SessionError>) -> Void) {
    let keys: [String] = state.withLock { state in
      guard let u = state.user(userKey) else { return [] }
      var slots: [Int] = []
      var i = Int32(u)
      while i != MemoryStoreState.none {
        slots.append(Int(i))
        i = state.slots[Int(i)].nextOfUser
      }
      let keys = slots.map { state.storeKey($0) }
      for i in slots { state.remove(i) }
      return keys.sorted()
    }
    completion(.success(keys))
  }

  public func list(
    userKey: String, now: Int64, completion: @escaping (Result<[SessionSummary], SessionError>) -> Void
  ) {
    let summaries = state.withLock { state in
      state.liveSessions(of: userKey, now: now).map { state.summary($0) }
    }
    completion(.success(summaries))
  }

  /// Removes every expired session and every forwarding past its grace. O(entries) under the lock;
  /// call it from a timer (e.g. once a minute). Answers how many entries were removed.
  @discardableResult
  public func purgeExpired(now: Int64) -> Int {
    state.withLock { state in
      let dead = state.expired(now: now)
      for i in dead { state.remove(i) }
      return dead.count
    }
  }

  /// Number of entries held (live sessions and forwardings, including expired ones not yet removed).
  public var entryCount: Int { state.withLock { $0.count } }
}
