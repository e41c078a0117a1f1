import Glibc

/// The distribution functions the audit's tests need, from the regularized incomplete gamma and
/// beta functions (Numerical Recipes, 3rd ed., §6.2 and §6.4: series and Lentz continued
/// fractions). Pure; accurate to ~1e-12 relative in the ranges the tests use.
enum SpecialFunctions {
  static let epsilon = 1e-15
  static let tiny = 1e-300
  static let maxIterations = 10_000

  /// Q(a, x) = Γ(a, x) / Γ(a), the upper regularized incomplete gamma function (a > 0, x ≥ 0).
  static func upperRegularizedGamma(_ a: Double, _ x: Double) -> Double {
    precondition(a > 0 && x >= 0, "Q(\(a), \(x))")
    if x == 0 { return 1 }
    if x < a + 1 { return 1 - lowerSeries(a, x) }
    return upperContinuedFraction(a, x)
  }

  /// P(a, x) by its series, for x < a + 1.
  private static func lowerSeries(_ a: Double, _ x: Double) -> Double {
    var term = 1 / a
    var sum = term
    var n = a
    for _ in 0..<maxIterations {
      n += 1
      term *= x / n
      sum += term
      if abs(term) < abs(sum) * epsilon { break }
    }
    return sum * exp(-x + a * log(x) - lgamma(a))
  }

  /// Q(a, x) by its continued fraction, for x ≥ a + 1.
  private static func upperContinuedFraction(_ a: Double, _ x: Double) -> Double {
    var b = x + 1 - a
    var c = 1 / tiny
    var d = 1 / b
    var h = d
    for i in 1...maxIterations {
      let an = -Double(i) * (Double(i) - a)
      b += 2
      d = an * d + b
      if abs(d) < tiny { d = tiny }
      c = b + an / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      let delta = d * c
      h *= delta
      if abs(delta - 1) < epsilon { break }
    }
    return exp(-x + a * log(x) - lgamma(a)) * h
  }

  /// I_x(a, b), the regularized incomplete beta function (a, b > 0, 0 ≤ x ≤ 1).
  static func regularizedBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
    precondition(a > 0 && b > 0 && x >= 0 && x <= 1, "I_\(x)(\(a), \(b))")
    if x == 0 || x == 1 { return x }
    let front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log(1 - x))
    // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry
    // I_x(a, b) = 1 - I_{1-x}(b, a) on the other side.
    if x < (a + 1) / (a + b + 2) { return front * betaContinuedFraction(x, a, b) / a }
    return 1 - front * betaContinuedFraction(1 - x, b, a) / b
  }

  private static func betaContinuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
    let qab = a + b
    let qap = a + 1
    let qam = a - 1
    var c = 1.0
    var d = 1 - qab * x / qap
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var h = d
    for m in 1...maxIterations {
      let m = Double(m)
      let m2 = 2 * m
      var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
      d = 1 + aa * d
      if abs(d) < tiny { d = tiny }
      c = 1 + aa / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      h *= d * c
      aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
      d = 1 + aa * d
      if abs(d) < tiny { d = tiny }
      c = 1 + aa / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      let delta = d * c
      h *= delta
      if abs(delta - 1) < epsilon { break }
    }
    return h
  }

  /// P(χ² ≥ x) with `degreesOfFreedom` degrees of freedom.
  static func chiSquareSurvival(_ x: Double, degreesOfFreedom: Int) -> Double {
    upperRegularizedGamma(Double(degreesOfFreedom) / 2, max(x, 0) / 2)
  }

  /// P(|T| ≥ |t|) for Student's t with `degreesOfFreedom` (> 0, need not be whole).
  static func studentTwoSided(_ t: Double, degreesOfFreedom: Double) -> Double {
    guard t.isFinite else { return 0 }
    return regularizedBeta(degreesOfFreedom / (degreesOfFreedom + t * t), degreesOfFreedom / 2, 0.5)
  }

  /// erfc, for the monobit test's p-value.
  static func complementaryErrorFunction(_ x: Double) -> Double { erfc(x) }
}
