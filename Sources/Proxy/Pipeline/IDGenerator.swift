/// Fast, non-cryptographic identifiers for trace ids, span ids and request ids (wyrand, seeded
/// from the system CSPRNG per worker). These ids are correlation handles, not secrets: session
/// ids and other secrets come from `Crypto.SecureRandom`. Loop-thread only (one per worker).
struct IDGenerator {
  private var state: UInt64

  init() {
    var system = SystemRandomNumberGenerator()
    state = system.next()
  }

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0xA076_1D64_78BD_642F
    let product = state.multipliedFullWidth(by: state ^ 0xE703_7ED1_A0B4_28DB)
    return product.high ^ product.low
  }

  /// A value that is never zero (W3C forbids all-zero trace and span ids).
  mutating func nextNonZero() -> UInt64 {
    var value = next()
    while value == 0 { value = next() }
    return value
  }
}
