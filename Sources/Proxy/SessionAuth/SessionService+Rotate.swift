import Crypto
import Sessions

extension SessionService {
  enum RotateResult {
    /// This call rotated: the new ticket and record.
    case rotated(SessionTicket, SessionRecord)
    /// A concurrent rotation won: use its successor.
    case converged(SessionTicket)
    /// The session is gone (expired, destroyed, grace over).
    case gone
    case unavailable
  }

  /// Replaces a session's id (rotation interval, or elevation with `elevate` attributes); the old
  /// id forwards to the new one for `rotation_grace`, and concurrent rotations converge on one
  /// successor. Updates the L1 cache and metrics. Loop-thread (completion on the same thread).
  func rotate(
    store: any SessionStore, ticket: SessionTicket, record: SessionRecord, now: Int64, userAgent: [UInt8]?,
    elevate: [String: String]?, completion: @escaping (RotateResult) -> Void
  ) {
    var newRecord = policy.rotated(record, now: now)
    if let elevate {
      // A privilege change ends every CSRF token issued before it (docs/security.md).
      newRecord.csrfSecret = SecureRandom.bytes(SessionRecord.csrfSecretByteCount)
      newRecord.elevated = true
      for (key, value) in elevate { newRecord.elevatedAttributes[key] = value }
    }
    let newTicket = SessionTicket.issue(userID: record.userID, keyRing: keyRing)
    guard let sealed = try? newRecord.sealed(for: newTicket, compact: sealsCompact),
      let forward = try? SealedRecord.forwarding(to: newTicket, from: ticket)
    else {
      completion(.unavailable)
      return
    }
    let summary = SessionSummary(ticket: newTicket, record: newRecord, policy: policy, userAgent: userAgent)
    let fill = cache.fill()
    store.rotate(
      userKey: ticket.userKey, oldKey: ticket.storeKey,
      newSession: StoredSession(sealed: sealed, summary: summary),
      forward: forward, grace: policy.rotationGrace, now: now
    ) { [self] result in
      switch result {
      case .failure:
        completion(.unavailable)
      case .success(.notFound):
        cache.invalidate(ticket.idHash)
        completion(.gone)
      case .success(.rotated):
        metrics.sessionRotated()
        events?.rotated(from: ticket, to: newTicket, userID: record.userID)
        cache.invalidate(ticket.idHash)
        cache.insert(
          newTicket.idHash, record: newRecord, expiresAt: policy.expiresAt(newRecord), now: now, after: fill)
        completion(.rotated(newTicket, newRecord))
      case .success(.alreadyRotated(_, let forward)):
        cache.invalidate(ticket.idHash)
        if let winner = try? forward.openForwarding(with: ticket) {
          completion(.converged(winner))
        } else {
          completion(.gone)
        }
      }
    }
  }

  /// The ticket in a cookie value, or nil when it is absent or does not verify.
  func ticket(fromCookie cookie: [UInt8]?) -> SessionTicket? {
    guard let cookie else { return nil }
    return try? cookie.withUnsafeBufferPointer { buffer throws(SessionError) in
      try SessionTicket.decode(buffer, keyRing: keyRing)
    }
  }
}
