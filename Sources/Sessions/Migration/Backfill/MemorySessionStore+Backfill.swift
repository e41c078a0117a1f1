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
      let userKeys = state.users.keys.filter { after == nil || $0 > after! }.sorted().prefix(max(count, 1))
      var users: [UserSessions] = []
      for userKey in userKeys {
        let sessions = state.liveSessions(of: userKey, now: now).map {
          ExportedSession(session: $0, remaining: $0.summary.expiresAt - now)
        }
        if !sessions.isEmpty { users.append(UserSessions(userKey: userKey, sessions: sessions)) }
      }
      let more = userKeys.last.map { last in state.users.keys.contains { $0 > last } } ?? false
      return SessionExportPage(users: users, cursor: more ? userKeys.last! : SessionExportPage.done)
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
        guard state.entries[key] == nil else { continue }
        var session = exported.session
        session.summary.expiresAt = now + exported.remaining
        state.entries[key] = .live(session, userKey: user.userKey)
        state.users[user.userKey, default: []].insert(key)
        copied.append(key)
      }
      return copied
    }
    completion(.success(copied))
  }
}
