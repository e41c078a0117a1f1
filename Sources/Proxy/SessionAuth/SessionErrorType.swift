/// The one vocabulary of `gatehouse_session_errors_total{error_type}` (README "Metrics"): why a
/// session request was refused. JWT failures join it at scrape time as `jwt_<kind>`. A revoked
/// session is `unknown_session` (revocation deletes it; nothing tells the two apart).
enum SessionErrorType: String, CaseIterable, Sendable {
  case noSession = "no_session"
  case invalidTicket = "invalid_ticket"
  case unknownSession = "unknown_session"
  case rotatedSession = "rotated_session"
  case unreadableRecord = "unreadable_record"
  case expiredIdle = "expired_idle"
  case expiredAbsolute = "expired_absolute"
  case bindingMismatch = "binding_mismatch"
  case csrf
  case storeUnavailable = "store_unavailable"
  case loginRejected = "login_rejected"

  /// The type of an `unauthenticated` reason (`invalid_ticket:bad_mac` → `.invalidTicket`).
  init?(reason: String) {
    let head = reason.split(separator: ":", maxSplits: 1).first.map(String.init) ?? reason
    switch head {
    case "idle_timeout": self = .expiredIdle
    case "absolute_timeout": self = .expiredAbsolute
    default: self.init(rawValue: head)
    }
  }
}
