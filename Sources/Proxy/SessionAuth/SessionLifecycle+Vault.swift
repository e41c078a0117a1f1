import Sessions

extension SessionLifecycle {
  /// `record` with the response's vault changes applied, counted.
  func vaultApplied(_ changes: [VaultChange], to record: SessionRecord) -> SessionRecord {
    guard !changes.isEmpty else { return record }
    var copy = record
    copy.vault = VaultChange.applying(changes, to: record.vault)
    countChanges(from: record.vault, to: copy.vault)
    return copy
  }

  /// The app changed (or removed) a vaulted cookie of the current session: the record is
  /// written through the store, so every replica adds the new value from the next request on.
  /// The write is a rotation (docs/vault.md, "Why a changed cookie rotates the session"): the
  /// store's one atomic replace-a-record operation, and the app changing its own session id is
  /// the moment to change Gatehouse's too. Unwritten, the response is refused (503) rather than
  /// leaving the app's new id nowhere.
  func updateVault(
    _ session: ActiveSession, changes: [VaultChange], request: AuthRequest?, now: Int64,
    _ done: @escaping (Outcome) -> Void
  ) {
    // A concurrent rotation may win (`converged`): its record lacks this change, which the app
    // will repeat.
    rotateAnswering(
      session, record: vaultApplied(changes, to: session.record), elevate: nil, request, now, done)
  }

  /// Rotates `session` to `record` (and `elevate`'s attributes) through the store and answers
  /// with the cookies the client needs: the new session (and CSRF) cookie, the winner's cookie
  /// when a concurrent rotation won, a deletion when the session is gone, 503 when the store
  /// could not write it.
  func rotateAnswering(
    _ session: ActiveSession, record: SessionRecord, elevate: [String: String]?, _ request: AuthRequest?,
    _ now: Int64, _ done: @escaping (Outcome) -> Void
  ) {
    service.rotate(
      store: store, ticket: session.ticket, record: record, now: now, userAgent: request?.userAgent,
      elevate: elevate
    ) { [service, log] result in
      switch result {
      case .rotated(let ticket, let record):
        var headers = [service.setCookie(ticket)]
        if let csrf = service.csrfCookie(for: record) { headers.append(csrf) }
        done(.headers(headers))
      case .converged(let ticket):
        done(.headers([service.setCookie(ticket)]))
      case .gone:
        done(.headers([service.deletionCookie()]))
      case .unavailable:
        service.reportWriteFailure(.rotate, sessionHash: session.ticket.hashForLogs, log: log)
        done(.refuse(ProxyError(.storeUnavailable, .internal, "session store")))
      }
    }
  }

  private func countChanges(from old: [VaultedCookie], to new: [VaultedCookie]) {
    let stored = new.filter { !old.contains($0) }.count
    let removed = old.filter { cookie in !new.contains { $0.name == cookie.name } }.count
    if stored > 0 { service.metrics.vault.record(.stored, count: stored) }
    if removed > 0 { service.metrics.vault.record(.removed, count: removed) }
  }
}
