import Prometheus

/// `gatehouse_session_validation_duration_seconds{method,result}` for one method: the session
/// cookie (`SessionMetrics`) or the bearer JWT (`JWTAuthenticator`), so the seed's p50/p95/p99
/// come from one family. Thread-safe (swift-prometheus histograms are atomic).
final class ValidationDurations: Sendable {
  static let name = "gatehouse_session_validation_duration_seconds"
  static let help = "Time to validate a session cookie or a bearer JWT, by method and result."
  static let buckets: [Duration] = [
    .microseconds(5), .microseconds(20), .microseconds(100), .microseconds(500), .milliseconds(2),
    .milliseconds(10), .milliseconds(50),
  ]

  private let valid: DurationHistogram
  private let invalid: DurationHistogram

  init(registry: PrometheusCollectorRegistry, method: String) {
    valid = registry.durationHistogram(
      Self.name, labels: [("method", method), ("result", "valid")], buckets: Self.buckets, help: Self.help)
    invalid = registry.durationHistogram(
      Self.name, labels: [("method", method), ("result", "invalid")], buckets: Self.buckets, help: Self.help)
  }

  func record(valid isValid: Bool, nanos: UInt64) {
    (isValid ? valid : invalid).record(.nanoseconds(Int64(truncatingIfNeeded: nanos)))
  }
}
