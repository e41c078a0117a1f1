import Codecs
import Crypto
import Sessions

extension SessionAuthenticator {
  /// A cookie that is not a valid ticket: `forged_ticket` when its MAC or key is wrong (someone
  /// made it), and `invalid_ticket_burst` once a client prefix sent many in a minute.
  func reportInvalidTicket(_ request: AuthRequest, kind: String) {
    guard let events = service.events else { return }
    if kind == "\(SessionError.Kind.badTicketSignature)" {
      events.suspicious("forged_ticket", clientIP: request.clientIP, seen: kind)
    }
    let prefix = SessionEvents.prefix(request.clientIP)
    if let count = invalidTickets.record(prefix, now: service.clock.monotonicNanos()) {
      events.suspicious("invalid_ticket_burst", clientIP: request.clientIP, seen: "\(count) in 60s")
    }
  }

  /// The binding a session was made with against the request's, as prefixes and short hashes.
  func reportBindingMismatch(
    _ request: AuthRequest, ticket: SessionTicket, record: SessionRecord,
    reason: SessionPolicy.BindingMismatch
  ) {
    guard let events = service.events else { return }
    switch reason {
    case .ipAddress:
      events.suspicious(
        "binding_mismatch", clientIP: request.clientIP, session: ticket,
        expected: record.binding.ipPrefix.map { "ip \($0)" },
        seen: "ip \(SessionEvents.prefix(request.clientIP))")
    case .userAgent:
      let seen = SHA256.hash(request.userAgent ?? [])
      events.suspicious(
        "binding_mismatch", clientIP: request.clientIP, session: ticket,
        expected: record.binding.userAgentHash.map { "user_agent " + Hex.encode(Array($0.prefix(4))) },
        seen: "user_agent " + Hex.encode(Array(seen.prefix(4))))
    case .fingerprint:
      // Reported with the changed header names by `fingerprintRefusal`.
      break
    }
  }
}
