/// Count, mean and unbiased variance of a sample (Welford's one-pass update, so large values such
/// as nanosecond timings lose no precision). Pure value.
public struct SampleSummary: Sendable, Equatable {
  public let count: Int
  public let mean: Double
  /// Σ(x − mean)² / (n − 1).
  public let variance: Double

  /// nil for fewer than two values.
  public init?(_ values: [Double]) {
    guard values.count >= 2 else { return nil }
    var mean = 0.0
    var m2 = 0.0
    for (index, value) in values.enumerated() {
      let delta = value - mean
      mean += delta / Double(index + 1)
      m2 += delta * (value - mean)
    }
    count = values.count
    self.mean = mean
    variance = m2 / Double(values.count - 1)
  }

  public var standardDeviation: Double { variance.squareRoot() }

  /// The median of `values` (nil when empty): reported beside the mean, as timings are skewed.
  public static func median(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }
}
