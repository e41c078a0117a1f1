/// `[health]`: the thresholds behind the graded `GET /health` (docs/operations.md §7). The
/// defaults are the seed's: store p99 above 10 ms, a store error rate above 0.1 % or an L1 hit
/// rate below 95 % over the sliding window make the process `degraded`. Immutable.
public struct HealthSettings: Sendable, Equatable {
  /// The sliding window the rates and the p99 are computed over.
  public let window: Duration
  public let maxStoreP99: Duration
  /// A fraction (0.001 = 0.1 %).
  public let maxErrorRate: Double
  /// A fraction (0.95 = 95 %).
  public let minL1HitRate: Double
  /// Below this many store calls (or L1 lookups) in the window a rate or p99 is not judged.
  public let minSamples: Int

  public init(
    window: Duration = .seconds(60), maxStoreP99: Duration = .milliseconds(10), maxErrorRate: Double = 0.001,
    minL1HitRate: Double = 0.95, minSamples: Int = 20
  ) {
    self.window = window
    self.maxStoreP99 = maxStoreP99
    self.maxErrorRate = maxErrorRate
    self.minL1HitRate = minL1HitRate
    self.minSamples = minSamples
  }
}
