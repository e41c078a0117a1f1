/// The one-word answer at the top of the dashboard (`healthy`, `degraded`, `unhealthy`) and the
/// reasons behind it, worst first. Immutable.
struct HealthVerdict: Equatable, Sendable {
  enum Status: String, Sendable {
    /// Everything this process serves works.
    case healthy
    /// It serves, but something is impaired (a store outage, an issuer without fresh keys).
    case degraded
    /// It cannot serve anything.
    case unhealthy
  }

  var status: Status
  var reasons: [String]
  /// Which evaluator decided (shown on the page, so an operator knows what the word means).
  var source: String
}

/// Whatever grades the process's health. The dashboard asks it once per `/status.json`; it must
/// be cheap and never block (read atomics or snapshots). Thread-safe.
protocol HealthEvaluating: Sendable {
  func evaluate() -> HealthVerdict
}
