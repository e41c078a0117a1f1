import Prometheus

/// Session families (`gatehouse_sessions_*`). swift-prometheus counters are atomic, so any worker
/// records straight into them; session events are per login/rotation, not per byte.
/// Thread-safe.
final class SessionMetrics: Sendable {
  enum DestroyReason: String, CaseIterable {
    case logout, idle, absolute, evicted, revoked, expired
  }

  /// Store writes that end or replace a session and failed (docs/security.md, "Revocation that
  /// could not be written"); the label of `gatehouse_session_write_failures_total`.
  enum WriteOperation: String, CaseIterable {
    case logout
    case logoutAll = "logout_all"
    case revoke
    case revokeAll = "revoke_all"
    case rotate
    case loginCleanup = "login_cleanup"
  }

  private let created: Counter
  private let rotated: Counter
  private let destroyedByReason: [Counter]
  private let csrfFailures: Counter
  private let bindingMismatches: Counter
  private let forgedTickets: Counter
  private let rejectedLogins: Counter
  private let writeFailures: [Counter]
  let validation: DurationHistogram

  init(registry: PrometheusCollectorRegistry) {
    created = registry.counter(
      "gatehouse_sessions_created_total", labels: [], help: "Sessions created by logins.")
    rotated = registry.counter(
      "gatehouse_sessions_rotated_total", labels: [],
      help: "Session id rotations (interval or elevation).")
    destroyedByReason = DestroyReason.allCases.map {
      registry.counter(
        "gatehouse_sessions_destroyed_total", labels: [("reason", $0.rawValue)],
        help: "Sessions ended, by reason.")
    }
    csrfFailures = registry.counter(
      "gatehouse_csrf_failures_total", labels: [], help: "Unsafe requests refused by the CSRF check.")
    bindingMismatches = registry.counter(
      "gatehouse_session_binding_mismatches_total", labels: [],
      help: "Sessions refused for a changed client IP subnet or User-Agent.")
    forgedTickets = registry.counter(
      "gatehouse_session_invalid_tickets_total", labels: [],
      help: "Session cookies refused before any lookup (forged, truncated, unknown key).")
    rejectedLogins = registry.counter(
      "gatehouse_session_logins_rejected_total", labels: [],
      help: "Logins refused (reject_new cap or store unavailable).")
    writeFailures = WriteOperation.allCases.map {
      registry.counter(
        "gatehouse_session_write_failures_total", labels: [("operation", $0.rawValue)],
        help: "Logouts, revocations and rotations the store did not write (the session lives on there).")
    }
    validation = registry.durationHistogram(
      "gatehouse_session_validation_duration_seconds", labels: [],
      buckets: [
        .microseconds(5), .microseconds(20), .microseconds(100), .microseconds(500), .milliseconds(2),
        .milliseconds(10), .milliseconds(50),
      ],
      help: "Time to validate a session cookie (cache or store).")
  }

  func sessionCreated() { created.increment() }
  func sessionRotated() { rotated.increment() }
  func destroyed(_ reason: DestroyReason, count: Int = 1) {
    destroyedByReason[DestroyReason.allCases.firstIndex(of: reason)!].increment(by: Int64(count))
  }
  func csrfFailed() { csrfFailures.increment() }
  func bindingMismatch() { bindingMismatches.increment() }
  func invalidTicket() { forgedTickets.increment() }
  func loginRejected() { rejectedLogins.increment() }
  func writeFailed(_ operation: WriteOperation) {
    writeFailures[WriteOperation.allCases.firstIndex(of: operation)!].increment()
  }
}
