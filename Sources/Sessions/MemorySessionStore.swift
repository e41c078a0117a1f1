import Synchronization

/// The embedded session store (one process; docs/DECISIONS.md §8). Thread-safe: one
/// `Synchronization.Mutex` around all state, shared by every worker loop; each operation is one
/// critical section, so it is atomic exactly like the Redis scripts it stands in for.
///
/// Completions run synchronously on the calling thread, before the method returns, and outside the
/// lock (a completion may call the store again).
///
/// Deadlines are enforced with the caller's `now`: an entry past its deadline is treated as absent
/// and removed when met. Sessions nobody asks for again are removed by `purgeExpired(now:)`, which
/// the owner calls on a timer (O(sessions)); `create` also drops the user's expired sessions.
public final class MemorySessionStore: SessionStore {
  enum Entry {
    case live(StoredSession, userKey: String)
    case forward(newStoreKey: String, forward: SealedRecord, until: Int64)
  }

  struct State {
    var entries: [String: Entry] = [:]
    /// userKey → store keys of live sessions: the authority on which sessions are alive.
    var users: [String: Set<String>] = [:]

    /// The live session at `key` if its deadline has not passed; removes it if it has.
    mutating func live(_ key: String, now: Int64) -> (StoredSession, String)? {
      guard case .live(let session, let userKey)? = entries[key] else { return nil }
      guard now < session.summary.expiresAt else {
        remove(key, userKey: userKey)
        return nil
      }
      return (session, userKey)
    }

    mutating func remove(_ key: String, userKey: String) {
      entries[key] = nil
      users[userKey]?.remove(key)
      if users[userKey]?.isEmpty == true { users[userKey] = nil }
    }

    /// The user's live sessions, least recently used (smallest deadline, then oldest) first;
    /// expired ones are removed on the way.
    mutating func liveSessions(of userKey: String, now: Int64) -> [StoredSession] {
      var out: [StoredSession] = []
      for key in users[userKey] ?? [] {
        if let (session, _) = live(key, now: now) { out.append(session) }
      }
      out.sort {
        ($0.summary.expiresAt, $0.summary.created, $0.summary.storeKey)
          < ($1.summary.expiresAt, $1.summary.created, $1.summary.storeKey)
      }
      return out
    }
  }

  let state = Mutex(State())

  public init() {}

  public func create(
    _ session: StoredSession, userKey: String, limits: SessionLimits, now: Int64,
    completion: @escaping (Result<CreateOutcome, SessionError>) -> Void
  ) {
    let key = session.summary.storeKey
    let result: Result<CreateOutcome, SessionError> = state.withLock { state in
      if state.entries[key] != nil { return .failure(SessionError(.storeConflict, "store key exists")) }
      let existing = state.liveSessions(of: userKey, now: now)
      var evicted: [String] = []
      if limits.maxPerUser > 0 && existing.count >= limits.maxPerUser {
        if limits.onLimit == .rejectNew { return .success(.rejectedLimitReached) }
        for victim in existing.prefix(existing.count - limits.maxPerUser + 1) {
          state.remove(victim.summary.storeKey, userKey: userKey)
          evicted.append(victim.summary.storeKey)
        }
      }
      state.entries[key] = .live(session, userKey: userKey)
      state.users[userKey, default: []].insert(key)
      return .success(.created(evicted: evicted))
    }
    completion(result)
  }

  public func load(
    storeKey: String, now: Int64, completion: @escaping (Result<LoadOutcome, SessionError>) -> Void
  ) {
    let outcome: LoadOutcome = state.withLock { state in
      switch state.entries[storeKey] {
      case .live?:
        if let (session, _) = state.live(storeKey, now: now) { return .found(session) }
        return .notFound
      case .forward(let newKey, let forward, let until)?:
        guard now < until else {
          state.entries[storeKey] = nil
          return .notFound
        }
        return .forwarded(newStoreKey: newKey, forward: forward)
      case nil:
        return .notFound
      }
    }
    completion(.success(outcome))
  }

  public func touch(
    storeKey: String, userKey: String, lastAccess: Int64, expiresAt: Int64, now: Int64,
    completion: @escaping (Result<TouchOutcome, SessionError>) -> Void
  ) {
    let outcome: TouchOutcome = state.withLock { state in
      guard let (found, owner) = state.live(storeKey, now: now), owner == userKey else { return .notFound }
      var session = found
      guard expiresAt > session.summary.expiresAt || lastAccess > session.summary.lastAccess else {
        return .unchanged
      }
      session.summary.expiresAt = max(session.summary.expiresAt, expiresAt)
      session.summary.lastAccess = max(session.summary.lastAccess, lastAccess)
      state.entries[storeKey] = .live(session, userKey: owner)
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
      switch state.entries[oldKey] {
      case .forward(let winnerKey, let winnerForward, let until)?:
        guard now < until else {
          state.entries[oldKey] = nil
          return .success(.notFound)
        }
        return .success(.alreadyRotated(newStoreKey: winnerKey, forward: winnerForward))
      case .live?:
        guard let (_, owner) = state.live(oldKey, now: now), owner == userKey else {
          return .success(.notFound)
        }
        if state.entries[newKey] != nil { return .failure(SessionError(.storeConflict, "store key exists")) }
        state.remove(oldKey, userKey: owner)
        state.entries[newKey] = .live(newSession, userKey: owner)
        state.users[owner, default: []].insert(newKey)
        state.entries[oldKey] = .forward(newStoreKey: newKey, forward: forward, until: now &+ grace)
        return .success(.rotated)
      case nil:
        return .success(.notFound)
      }
    }
    completion(result)
  }

  public func destroy(
    storeKey: String, userKey: String, completion: @escaping (Result<Bool, SessionError>) -> Void
  ) {
    let existed: Bool = state.withLock { state in
      guard case .live(_, let owner)? = state.entries[storeKey], owner == userKey else { return false }
      state.remove(storeKey, userKey: owner)
      return true
    }
    completion(.success(existed))
  }

  public func revokeAll(userKey: String, completion: @escaping (Result<[String], SessionError>) -> Void) {
    let keys: [String] = state.withLock { state in
      let keys = (state.users.removeValue(forKey: userKey) ?? []).sorted()
      for key in keys { state.entries[key] = nil }
      return keys
    }
    completion(.success(keys))
  }

  public func list(
    userKey: String, now: Int64, completion: @escaping (Result<[SessionSummary], SessionError>) -> Void
  ) {
    let summaries = state.withLock { $0.liveSessions(of: userKey, now: now).map(\.summary) }
    completion(.success(summaries))
  }

  /// Removes every expired session and every forwarding past its grace. O(entries) under the lock;
  /// call it from a timer (e.g. once a minute). Answers how many entries were removed.
  @discardableResult
  public func purgeExpired(now: Int64) -> Int {
    state.withLock { state in
      var dead: [(String, String?)] = []
      for (key, entry) in state.entries {
        switch entry {
        case .live(let session, let userKey):
          if now >= session.summary.expiresAt { dead.append((key, userKey)) }
        case .forward(_, _, let until): if now >= until { dead.append((key, nil)) }
        }
      }
      for (key, userKey) in dead {
        if let userKey { state.remove(key, userKey: userKey) } else { state.entries[key] = nil }
      }
      return dead.count
    }
  }

  /// Number of entries held (live sessions and forwardings, including expired ones not yet removed).
  public var entryCount: Int { state.withLock { $0.entries.count } }
}
