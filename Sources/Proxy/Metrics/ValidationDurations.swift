/// One worker's series of `gatehouse_session_validation_duration_seconds` for one method (the
/// session cookie or the bearer JWT): a `WorkerHistogram` per result, so recording a validation
/// takes no lock (a swift-prometheus `DurationHistogram` takes a mutex: ~600 instructions per
/// request). `ValidationDurationFamily` sums the workers' series at scrape time and renders the
/// family as it was rendered from the registry (labels `method`, `result`, no `worker`).
///
/// Thread-safe for that split: one writer (the worker's loop thread), any number of readers.
final class ValidationDurations: Sendable {
  static let name = "gatehouse_session_validation_duration_seconds"
  static let help = "Time to validate a session cookie or a bearer JWT, by method and result."
  static let buckets: [Duration] = [
    .microseconds(5), .microseconds(20), .microseconds(100), .microseconds(500), .milliseconds(2),
    .milliseconds(10), .milliseconds(50),
  ]

  /// By result, in the order of the method's result labels (JWT: valid, invalid).
  let results: [WorkerHistogram]

  init(resultCount: Int) {
    results = (0..<resultCount).map { _ in WorkerHistogram(buckets: Self.buckets) }
  }

  /// Loop thread only: result 0 is `valid`, 1 `invalid`.
  func record(valid isValid: Bool, nanos: UInt64) {
    results[isValid ? 0 : 1].record(nanos: nanos)
  }

  /// Loop thread only.
  @inline(__always)
  func record(result: Int, nanos: UInt64) {
    results[result].record(nanos: nanos)
  }
}
