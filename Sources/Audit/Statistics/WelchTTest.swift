/// Welch's unequal-variances t-test between two samples (timings of two kinds of request): the
/// statistic t = (mean₁ − mean₂) / √(s₁²/n₁ + s₂²/n₂), the Welch–Satterthwaite degrees of freedom
/// and the two-sided p-value. A large |t| says the two kinds take measurably different time.
/// Pure value.
public struct WelchTTest: Sendable, Equatable {
  public let first: SampleSummary
  public let second: SampleSummary
  public let t: Double
  public let degreesOfFreedom: Double
  /// P(|T| ≥ |t|) under equal means.
  public let pValue: Double

  /// nil when a sample has fewer than two values.
  public init?(_ first: [Double], _ second: [Double]) {
    guard let a = SampleSummary(first), let b = SampleSummary(second) else { return nil }
    self.first = a
    self.second = b
    let va = a.variance / Double(a.count)
    let vb = b.variance / Double(b.count)
    let standardError = (va + vb).squareRoot()
    guard standardError > 0 else {
      // Both samples constant: equal means are indistinguishable, different ones infinitely so.
      t = a.mean == b.mean ? 0 : (a.mean > b.mean ? .infinity : -.infinity)
      degreesOfFreedom = Double(a.count + b.count - 2)
      pValue = a.mean == b.mean ? 1 : 0
      return
    }
    t = (a.mean - b.mean) / standardError
    let df = (va + vb) * (va + vb) / (va * va / Double(a.count - 1) + vb * vb / Double(b.count - 1))
    degreesOfFreedom = df
    pValue = SpecialFunctions.studentTwoSided(t, degreesOfFreedom: df)
  }
}
