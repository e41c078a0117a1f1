/// The memory store as a backfill source and target (memory → memory tests; a memory store is
/// private to its process, so in production it is only ever read by a migrating store). Users
/// are exported in user-key order; the cursor is the last user key of the page.
extension MemorySessionStore: SessionExporting, SessionImporting {
  public func exportSessions(
    from cursor: String, count: Int, now: Int64,
    completion: @escaping (Result<SessionExportPage, SessionError>) -> Void
  ) {
    let page: SessionExportPage = state.withLock { state in
      let after = cursor == SessionExportPage.start ? nil : cursor
      // A user's key is read from its first session's entry.
      var keys: [(String, Int)] = []
      for u in state.userHeads() {
        let key = state.userKey(u)
        if after == nil || key > after! { keys.append((key, u)) }
      }
      keys.sort { $0.0 < $1.0 }
      let pageKeys = keys.prefix(max(count, 1))
      var users: [UserSessions] = []
      for (userKey, u) in pageKeys {
        let sessions = state.liveSessions(ofUser: u, now: now).map { i in
          let session = state.session(i)
          return ExportedSession(session: session, remaining: session.summary.expiresAt - now)
        }
        if !sessions.isEmpty { users.append(UserSessions(userKey: userKey, sessions: sessions)) }
      }
      let more = keys.count > pageKeys.count
      return SessionExportPage(users: users, cursor: more ? pageKeys.last!.0 : SessionExportPage.done)
    }
    completion(.success(page))
  }

  public func importSessions(
    _ user: UserSessions, now: Int64, completion: @escaping (Result<[String], SessionError>) -> Void
  ) {
    let copied: [String] = state.withLock { state in
      var copied: [String] = []
      for exported in user.sessions where exported.remaining > 0 {
        let key = exported.session.summary.storeKey
        guard state.slot(storeKey: key) == nil else { continue }
        var session = exported.session
        session.summary.expiresAt = now + exported.remaining
        state.addLive(session, userKey: user.userKey)
        copied.append(key)
      }
      return copied
    }
    completion(.success(copied))
  }
}
