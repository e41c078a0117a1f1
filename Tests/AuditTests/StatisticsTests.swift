import XCTest

@testable import Audit

/// The audit's statistics against published or independently computed values (SciPy 1.17 for the
/// distribution functions and the Welch examples; NIST SP 800-22 §2.1.8 for monobit).
final class StatisticsTests: XCTestCase {
  func testDistributionFunctionsMatchReferenceValues() {
    let cases: [(name: String, value: Double, expected: Double)] = [
      (
        "χ²(1) survival at 3.8415",
        SpecialFunctions.chiSquareSurvival(3.841458820694124, degreesOfFreedom: 1), 0.05
      ),
      (
        "χ²(10) survival at 18.307",
        SpecialFunctions.chiSquareSurvival(18.307038053275146, degreesOfFreedom: 10), 0.05
      ),
      (
        "χ²(640) survival at 700", SpecialFunctions.chiSquareSurvival(700, degreesOfFreedom: 640),
        0.049899525233102926
      ),
      (
        "χ²(640) survival at 500", SpecialFunctions.chiSquareSurvival(500, degreesOfFreedom: 640),
        0.9999879204071779
      ),
      ("Q(3.5, 2)", SpecialFunctions.upperRegularizedGamma(3.5, 2), 0.779777408475716),
      ("Q(0.5, 10)", SpecialFunctions.upperRegularizedGamma(0.5, 10), 7.744216431044088e-06),
      ("I_0.5(2, 3)", SpecialFunctions.regularizedBeta(0.5, 2, 3), 0.6875),
      (
        "t(5.5) two-sided at 2", SpecialFunctions.studentTwoSided(2, degreesOfFreedom: 5.5),
        0.09675439023118504
      ),
      ("t two-sided at 0", SpecialFunctions.studentTwoSided(0, degreesOfFreedom: 10), 1),
    ]
    for c in cases {
      XCTAssertEqual(c.value, c.expected, accuracy: abs(c.expected) * 1e-9 + 1e-15, c.name)
    }
  }

  func testMonobitMatchesNISTExamples() {
    // §2.1.4: ε = 1011010101 → S = 2, s_obs = 0.632455532, p = 0.527089.
    let short = MonobitTest(ones: 6, count: 10)
    XCTAssertEqual(short.statistic, 0.632455532, accuracy: 1e-9)
    XCTAssertEqual(short.pValue, 0.527089, accuracy: 1e-6)
    // §2.1.8: the first 100 bits of the binary expansion of π's example string → p = 0.109599.
    let epsilon =
      "1100100100001111110110101010001000100001011010001100001000110100110001001100011001100010100010111000"
    let long = MonobitTest(ones: epsilon.count { $0 == "1" }, count: epsilon.count)
    XCTAssertEqual(long.statistic, 1.6, accuracy: 1e-12)
    XCTAssertEqual(long.pValue, 0.109599, accuracy: 1e-6)
    XCTAssertEqual(MonobitTest(ones: 50, count: 100).pValue, 1, accuracy: 1e-15, "perfect balance")
    XCTAssertLessThan(MonobitTest(ones: 100, count: 100).pValue, 1e-20, "all ones")
  }

  func testWelchMatchesReferenceExamples() throws {
    let a1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4]
    let a2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4]
    let first = try XCTUnwrap(WelchTTest(a1, a2))
    XCTAssertEqual(first.t, -2.455356398286006, accuracy: 1e-9)
    XCTAssertEqual(first.degreesOfFreedom, 24.988529290231416, accuracy: 1e-9)
    XCTAssertEqual(first.pValue, 0.021378001462866992, accuracy: 1e-9)
    let b1 = [17.2, 20.9, 22.6, 18.1, 21.7, 21.4, 23.5, 24.2, 14.7, 21.8]
    let b2 = [
      21.5, 22.8, 21.0, 23.0, 21.6, 23.6, 22.5, 20.7, 23.4, 21.8, 20.7, 21.7, 21.5, 22.5, 23.6, 21.5, 22.5,
      23.5,
      21.5, 21.8,
    ]
    let second = try XCTUnwrap(WelchTTest(b1, b2))
    XCTAssertEqual(second.t, -1.5654335235985037, accuracy: 1e-9)
    XCTAssertEqual(second.pValue, 0.14884169660532817, accuracy: 1e-9)
  }

  func testWelchEdgeCases() throws {
    XCTAssertNil(WelchTTest([1], [1, 2]), "one value has no variance")
    let same = try XCTUnwrap(WelchTTest([3, 3, 3], [3, 3]))
    XCTAssertEqual(same.t, 0)
    XCTAssertEqual(same.pValue, 1)
    let apart = try XCTUnwrap(WelchTTest([5, 5], [3, 3, 3]))
    XCTAssertEqual(apart.t, .infinity)
    XCTAssertEqual(apart.pValue, 0)
    // Large nanosecond timings keep their precision (Welford).
    let big = try XCTUnwrap(SampleSummary([1e12 + 1, 1e12 + 2, 1e12 + 3]))
    XCTAssertEqual(big.mean, 1e12 + 2, accuracy: 1e-3)
    XCTAssertEqual(big.variance, 1, accuracy: 1e-6)
    XCTAssertEqual(SampleSummary.median([5, 1, 3]), 3)
    XCTAssertEqual(SampleSummary.median([4, 1, 3, 2]), 2.5)
    XCTAssertNil(SampleSummary.median([]))
  }

  func testBitPositionsOfRandomSamplesAreBalanced() {
    var generator = SplitMix64(seed: 0x5EED)
    let samples = (0..<400).map { _ in (0..<32).map { _ in UInt8(truncatingIfNeeded: generator.next()) } }
    let test = BitPositionTest(samples: samples, positions: 0..<256)
    XCTAssertEqual(test.sampleCount, 400)
    XCTAssertEqual(test.degreesOfFreedom, 256)
    XCTAssertEqual(test.constantPositions, [])
    XCTAssertGreaterThan(test.pValue, 1e-4)
    XCTAssertGreaterThan(test.monobit.pValue, 1e-4)
    XCTAssertEqual(test.monobit.count, 400 * 256)
  }

  func testAStuckOrBiasedBitIsFound() {
    var generator = SplitMix64(seed: 7)
    var samples = (0..<200).map { _ in (0..<16).map { _ in UInt8(truncatingIfNeeded: generator.next()) } }
    // Bit 13 (byte 1, 0x04) always set.
    for index in samples.indices { samples[index][1] |= 0x04 }
    let stuck = BitPositionTest(samples: samples, positions: 0..<128)
    XCTAssertEqual(stuck.constantPositions, [13])
    XCTAssertEqual(stuck.mostBiasedPosition, 13)
    XCTAssertEqual(stuck.mostBiasedOnes, 200)
    XCTAssertLessThan(stuck.pValue, 1e-6)
    // Excluding the stuck byte from the range passes again: the layout decides what is tested.
    XCTAssertGreaterThan(BitPositionTest(samples: samples, positions: 16..<128).pValue, 1e-4)
    // A bit set three times in four (biased, not stuck).
    for index in samples.indices where index % 4 != 0 { samples[index][5] |= 0x80 }
    let biased = BitPositionTest(samples: samples, positions: 16..<128)
    XCTAssertEqual(biased.mostBiasedPosition, 40)
    XCTAssertLessThan(biased.pValue, 1e-4)
  }

  func testBitNumberingIsMostSignificantFirst() {
    XCTAssertTrue(BitPositionTest.bit([0x80, 0x00], 0))
    XCTAssertFalse(BitPositionTest.bit([0x80, 0x00], 1))
    XCTAssertTrue(BitPositionTest.bit([0x00, 0x01], 15))
  }
}

/// A small deterministic generator so the statistics tests see the same "random" bytes every run.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
