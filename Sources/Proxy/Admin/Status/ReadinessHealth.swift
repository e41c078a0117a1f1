/// The dashboard's health verdict until a graded health check exists (docs/dashboard.md,
/// "Health verdict"): derived from the `/readyz` checks and the Redis circuit breakers, so it
/// says nothing the process does not already know.
///
/// - `unhealthy`: the proxy listeners are not accepting (starting or draining).
/// - `degraded`: any other readiness check fails (an issuer without usable keys, the session
///   store not reachable), or a worker's Redis breaker is not closed.
/// - `healthy`: otherwise.
///
/// Thread-safe: `Readiness` locks; the breaker state is read through a closure over atomics.
struct ReadinessHealth: HealthEvaluating {
  static let source = "readiness checks and store breakers"

  let readiness: Readiness
  /// The worst Redis breaker state over workers (0 closed, 1 half-open, 2 open); nil without Redis.
  let breakerState: @Sendable () -> Int?

  func evaluate() -> HealthVerdict {
    Self.verdict(failures: readiness.failures(), breakerState: breakerState())
  }

  /// The rule above, as a pure function of its inputs.
  static func verdict(failures: [Readiness.Failure], breakerState: Int?) -> HealthVerdict {
    var unhealthy: [String] = []
    var degraded: [String] = []
    for failure in failures {
      let reason = "\(failure.name): \(failure.detail)"
      if failure.name == "listeners" { unhealthy.append(reason) } else { degraded.append(reason) }
    }
    let mentionsStore = failures.contains { $0.name == "session_store" }
    if let breakerState, breakerState > 0, !mentionsStore {
      degraded.append("session_store: circuit breaker \(breakerState == 2 ? "open" : "half-open")")
    }
    let status: HealthVerdict.Status =
      !unhealthy.isEmpty ? .unhealthy : degraded.isEmpty ? .healthy : .degraded
    return HealthVerdict(status: status, reasons: unhealthy + degraded, source: source)
  }
}
