/// The frequency (monobit) test of NIST SP 800-22 rev. 1a §2.1: in a random bit string ones and
/// zeros are equally likely, so the normalised excess of ones is close to 0. Pure value.
public struct MonobitTest: Sendable, Equatable {
  public let ones: Int
  public let count: Int
  /// |ones − zeros| / √n.
  public let statistic: Double
  /// erfc(statistic / √2): the probability of an excess at least this large from a fair source.
  public let pValue: Double

  public init(ones: Int, count: Int) {
    precondition(count > 0 && ones >= 0 && ones <= count, "monobit over \(ones)/\(count)")
    self.ones = ones
    self.count = count
    let excess = Double(2 * ones - count)
    statistic = abs(excess) / Double(count).squareRoot()
    pValue = SpecialFunctions.complementaryErrorFunction(statistic / 2.0.squareRoot())
  }
}
