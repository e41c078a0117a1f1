import Prometheus
import Synchronization

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
  /// `gatehouse_session_validation_duration_seconds{method="session",result}`, one set per worker
  /// (index = worker index), by `ValidationResult`; recorded without a lock (`ValidationDurations`).
  private let validation: [ValidationDurations]
  private let errors: [Counter]
  private let cacheRequests: (hit: Counter, miss: Counter)
  /// The vault's and login detection's families.
  let vault: VaultMetrics
  /// Cache hits and misses already moved into `cacheRequests` (scrape thread).
  private let exportedCache = Mutex<(hits: UInt64, misses: UInt64)>((0, 0))

  /// How a validation ended: granted, refused, or not decidable (store unavailable).
  /// The raw value is the `result` label; the order is the series' (`ValidationDurations`).
  enum ValidationResult: String, CaseIterable {
    case valid, invalid, unavailable

    var index: Int {
      switch self {
      case .valid: 0
      case .invalid: 1
      case .unavailable: 2
      }
    }
  }

  init(registry: PrometheusCollectorRegistry, validationDurations: ValidationDurationFamily, workers: Int) {
    vault = VaultMetrics(registry: registry)
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
    validation = validationDurations.durations(
      method: "session", results: ValidationResult.allCases.map(\.rawValue), workers: workers)
    errors = SessionErrorType.allCases.map {
      registry.counter(
        "gatehouse_session_errors_total", labels: [("error_type", $0.rawValue)],
        help: "Refused session and JWT requests, by error type (one fixed vocabulary).")
    }
    cacheRequests = (
      registry.counter(
        "gatehouse_session_cache_requests_total", labels: [("result", "hit")],
        help: "L1 session cache lookups."),
      registry.counter(
        "gatehouse_session_cache_requests_total", labels: [("result", "miss")],
        help: "L1 session cache lookups.")
    )
  }

  /// Worker `index`'s validation durations (recorded on its loop thread only).
  func validationDurations(worker index: Int) -> ValidationDurations {
    validation[index % validation.count]
  }

  func failed(_ type: SessionErrorType) {
    errors[SessionErrorType.allCases.firstIndex(of: type)!].increment()
  }

  /// Moves the cache's own hit and miss counts into the counters (scrape thread).
  func exportCache(hits: UInt64, misses: UInt64) {
    exportedCache.withLock { last in
      if hits > last.hits { cacheRequests.hit.increment(by: Int64(hits - last.hits)) }
      if misses > last.misses { cacheRequests.miss.increment(by: Int64(misses - last.misses)) }
      last = (max(hits, last.hits), max(misses, last.misses))
    }
  }

  func sessionCreated() { created.increment() }
  func sessionRotated() { rotated.increment() }
  func destroyed(_ reason: DestroyReason, count: Int = 1) {
    destroyedByReason[DestroyReason.allCases.firstIndex(of: reason)!].increment(by: Int64(count))
  }
  func csrfFailed() {
    csrfFailures.increment()
    failed(.csrf)
  }
  func bindingMismatch() { bindingMismatches.increment() }
  func invalidTicket() { forgedTickets.increment() }
  func loginRejected() {
    rejectedLogins.increment()
    failed(.loginRejected)
  }
  func writeFailed(_ operation: WriteOperation) {
    writeFailures[WriteOperation.allCases.firstIndex(of: operation)!].increment()
  }
}
