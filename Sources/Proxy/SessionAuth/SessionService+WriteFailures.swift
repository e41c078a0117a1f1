import Sessions

/// Store writes that end a session and failed (docs/security.md, "Revocation that could not be
/// written"): never reported as done. The caller answers 503; this records the metric and the
/// security event, and remembers the ticket as revoked on this process (`revokedTickets`) so the
/// old cookie stops working here at once although its record lives on in the store.
extension SessionService {
  /// What a client gets when a logout or revocation was not written: 503 with `Retry-After`, and
  /// the deletion cookie when `deleteCookie` (the browser may forget the session; the operator
  /// learns from the event and the metric that the store did not).
  func writeFailedAnswer(deleteCookie: Bool) -> (ProxyError, [(String, String)]) {
    var headers: [(String, String)] = [("Retry-After", "1")]
    if deleteCookie { headers.append(deletionCookie()) }
    return (ProxyError(.sessionWriteFailed, .internal, "session store did not write"), headers)
  }

  /// Counts and logs a failed write for the session with log hash `sessionHash` (never the id).
  func reportWriteFailure(
    _ operation: SessionMetrics.WriteOperation, sessionHash: String, log: (String, String) -> Void
  ) {
    metrics.writeFailed(operation)
    log("session_write_failed", "operation=\(operation.rawValue) session=\(sessionHash)")
  }

  /// Reports the failure and remembers `ticket` as revoked until its absolute deadline (the
  /// record's when known, else the longest a session of this policy can live).
  func revocationNotWritten(
    _ operation: SessionMetrics.WriteOperation, ticket: SessionTicket, record: SessionRecord?,
    log: (String, String) -> Void
  ) {
    reportWriteFailure(operation, sessionHash: ticket.hashForLogs, log: log)
    rememberRevoked(
      ticket.idHash, keys: .init(storeKey: ticket.storeKey, userKey: ticket.userKey), record: record)
  }

  func rememberRevoked(_ hash: SessionIDHash, keys: RevokedTickets.Keys, record: SessionRecord?) {
    let now = now()
    let deadline: Int64
    if let record, policy.absoluteTimeout > 0 {
      deadline = record.absoluteDeadline
    } else if policy.absoluteTimeout > 0 {
      deadline = now &+ policy.absoluteTimeout
    } else {
      // No absolute timeout: a record can live as long as it is used. Remember for a day; the
      // retried deletion usually ends the entry long before.
      deadline = now &+ 24 * 3600 * SessionPolicy.nanosPerSecond
    }
    revokedTickets.revoke(hash, keys: keys, until: deadline, now: now)
    cache.invalidate(hash)
  }
}
