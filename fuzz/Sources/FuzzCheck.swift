/// How a fuzz target reports a broken property: it stops the process, which libFuzzer records as
/// a crash and saves the input. Stateless.
enum FuzzCheck {
  static func fail(_ message: String) -> Never {
    fatalError("fuzz property violated: \(message)")
  }

  @inline(__always)
  static func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fail(message()) }
  }
}

/// Where to cut an input for the "any split gives the same result" properties: a SplitMix64
/// sequence seeded from the input itself, so a crash reproduces from the saved input alone.
struct Splits {
  private var state: UInt64

  init(seedFrom data: UnsafeRawBufferPointer) {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
    for b in data {
      hash ^= UInt64(b)
      hash &*= 0x100_0000_01b3
    }
    state = hash
  }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Growing prefix lengths ending at `total`: pieces of 1 to 16 bytes.
  mutating func cuts(total: Int) -> [Int] {
    var cuts: [Int] = []
    var at = 0
    while at < total {
      at = min(total, at + Int(next() % 16) + 1)
      cuts.append(at)
    }
    return cuts.isEmpty ? [0] : cuts
  }

  /// Every prefix length, one byte at a time.
  static func byteByByte(total: Int) -> [Int] { total == 0 ? [0] : Array(1...total) }
}
