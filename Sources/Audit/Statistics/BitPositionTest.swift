/// Whether every bit position of many equally long byte strings (session tickets) is 1 in about
/// half of them. For each position the count of ones c out of n samples gives
/// (2c − n)² / n, which is χ²(1) for a fair bit; their sum over k positions is χ²(k). A stuck
/// or biased bit anywhere in the tested range makes the sum large and the p-value small. Bits
/// are numbered from the most significant bit of byte 0. Pure value.
public struct BitPositionTest: Sendable, Equatable {
  public let sampleCount: Int
  /// The bit positions tested.
  public let positions: Range<Int>
  /// Positions with the same value in every sample (the ones a layout fixes, or stuck bits).
  public let constantPositions: [Int]
  /// Σ (2c − n)² / n over the tested positions.
  public let chiSquare: Double
  public let degreesOfFreedom: Int
  /// P(χ²(k) ≥ chiSquare).
  public let pValue: Double
  /// The position whose count of ones is furthest from n / 2, and that count.
  public let mostBiasedPosition: Int
  public let mostBiasedOnes: Int
  /// Every tested bit of every sample together.
  public let monobit: MonobitTest

  /// `samples` must all be at least `positions.upperBound` bits long; at least one sample and one
  /// position.
  public init(samples: [[UInt8]], positions: Range<Int>) {
    precondition(!samples.isEmpty && !positions.isEmpty, "bit position test needs samples and positions")
    precondition(samples.allSatisfy { $0.count * 8 >= positions.upperBound }, "sample shorter than the range")
    let n = samples.count
    var ones = [Int](repeating: 0, count: positions.count)
    for sample in samples {
      for (slot, position) in positions.enumerated() where Self.bit(sample, position) {
        ones[slot] += 1
      }
    }
    var sum = 0.0
    var worst = 0
    for slot in ones.indices {
      let excess = Double(2 * ones[slot] - n)
      sum += excess * excess / Double(n)
      if abs(2 * ones[slot] - n) > abs(2 * ones[worst] - n) { worst = slot }
    }
    sampleCount = n
    self.positions = positions
    constantPositions = ones.indices.filter { ones[$0] == 0 || ones[$0] == n }.map {
      positions.lowerBound + $0
    }
    chiSquare = sum
    degreesOfFreedom = positions.count
    pValue = SpecialFunctions.chiSquareSurvival(sum, degreesOfFreedom: positions.count)
    mostBiasedPosition = positions.lowerBound + worst
    mostBiasedOnes = ones[worst]
    monobit = MonobitTest(ones: ones.reduce(0, +), count: n * positions.count)
  }

  static func bit(_ bytes: [UInt8], _ position: Int) -> Bool {
    bytes[position >> 3] & (0x80 >> UInt8(position & 7)) != 0
  }
}
