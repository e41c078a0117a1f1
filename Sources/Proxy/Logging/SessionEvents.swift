import Net
import Sessions
import Synchronization

/// Session lifecycle and suspicious-activity events in the log (docs/operations.md §8):
/// `session_created`, `session_rotated`, `session_destroyed` (`reason`: logout, logout_all,
/// idle, absolute, evicted, revoked), and `suspicious_activity` (`kind`: binding_mismatch,
/// forged_ticket, csrf_failure, rotated_ticket_replay, invalid_ticket_burst) with what was
/// expected and seen as prefixes or hashes only. A line carries a session's log hash, the user id
/// (or its keyed hash with `log_user_ids = false`) and the client's address prefix (/24, /48) —
/// never a ticket, token, cookie or secret. Written only on lifecycle changes and refusals, never
/// per granted request. Thread-safe (the sink locks; the burst counts are per worker).
public final class SessionEvents: Sendable {
  let sink: LogSink
  private let logUserIDs: Atomic<Bool>

  init(sink: LogSink, logUserIDs: Bool) {
    self.sink = sink
    self.logUserIDs = Atomic(logUserIDs)
  }

  func setLogUserIDs(_ value: Bool) { logUserIDs.store(value, ordering: .relaxed) }

  /// The user as the log may show it: the id, or the ticket's keyed user tag.
  func user(_ userID: String?, _ ticket: SessionTicket) -> String {
    if logUserIDs.load(ordering: .relaxed), let userID { return userID }
    return SessionService.principalHash(ticket)
  }

  func created(_ ticket: SessionTicket, userID: String, clientIP: IPAddress?) {
    write("session_created") { line in
      line.add("session", ticket.hashForLogs)
      line.add("user", user(userID, ticket))
      if let clientIP { line.add("client_ip_prefix", Self.prefix(clientIP)) }
    }
  }

  func rotated(from old: SessionTicket, to new: SessionTicket, userID: String?) {
    write("session_rotated") { line in
      line.add("session", new.hashForLogs)
      line.add("previous", old.hashForLogs)
      line.add("user", user(userID, new))
    }
  }

  func destroyed(_ ticket: SessionTicket?, reason: String, userID: String? = nil, count: Int = 1) {
    write("session_destroyed") { line in
      line.add("reason", reason)
      if let ticket {
        line.add("session", ticket.hashForLogs)
        line.add("user", user(userID, ticket))
      }
      if count != 1 { line.add("count", count) }
    }
  }

  /// `expected` and `seen` must already be prefixes or hashes.
  func suspicious(
    _ kind: String, clientIP: IPAddress?, session: SessionTicket? = nil, expected: String? = nil,
    seen: String? = nil
  ) {
    write("suspicious_activity", level: "warning") { line in
      line.add("kind", kind)
      if let session { line.add("session", session.hashForLogs) }
      if let clientIP { line.add("client_ip_prefix", Self.prefix(clientIP)) }
      if let expected { line.add("expected", expected) }
      if let seen { line.add("seen", seen) }
    }
  }

  private func write(_ event: String, level: String = "info", _ fill: (inout LogLine) -> Void) {
    guard sink.accepts(level == "info" ? .info : .warning) else { return }
    var line = LogLine(format: sink.format)
    line.add("time", sink.timestampNow())
    line.add("level", level)
    line.add("event", event)
    fill(&line)
    sink.write(line.finish())
  }

  /// The /24 (IPv4) or /48 (IPv6) an address is in, as text.
  static func prefix(_ ip: IPAddress) -> String {
    switch ip {
    case .v4(let value):
      return "\(IPAddress.v4(value & 0xFFFF_FF00))/24"
    case .v6(let high, _):
      return "\(IPAddress.v6(high & 0xFFFF_FFFF_FFFF_0000, 0))/48"
    }
  }
}
