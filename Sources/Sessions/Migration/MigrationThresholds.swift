/// When `split` steps back automatically (docs/migration.md §4): over the last `window`, once
/// `to` answered at least `minimumOperations` calls, any of its error rate, its p99 latency or
/// the read mismatch rate above its limit. Immutable value.
public struct MigrationThresholds: Sendable, Equatable {
  /// Share of `to`'s calls that failed (unavailable, timeout): 0.01 = 1 %.
  public var errorRate: Double
  /// `to`'s 99th percentile latency, ns. Checked exactly: p99 exceeds it when more than 1 % of
  /// the calls took longer.
  public var p99: UInt64
  /// Share of compared reads whose answers differed.
  public var mismatchRate: Double
  /// Sliding window, ns.
  public var window: UInt64
  /// Calls (and compared reads, for the mismatch rate) needed in the window before a rate is
  /// judged: one slow call out of three is not a trend.
  public var minimumOperations: Int

  public init(
    errorRate: Double = 0.01, p99: UInt64 = 50_000_000, mismatchRate: Double = 0.01,
    window: UInt64 = 30_000_000_000, minimumOperations: Int = 100
  ) {
    self.errorRate = errorRate
    self.p99 = p99
    self.mismatchRate = mismatchRate
    self.window = window
    self.minimumOperations = max(minimumOperations, 1)
  }
}
