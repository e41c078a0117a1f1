/// Strings many sessions share (the summary's User-Agent and IP prefix), kept once with a count
/// of the entries naming them; an entry keeps the string's small number instead (a 1–3 byte
/// varint in `MemoryStoreBytes`). A string goes when its last entry does, and its number is
/// reused. Value type; its owner's lock guards it.
struct InternedStrings {
  private var numbers: [String: UInt32] = [:]
  private var strings: [String] = []
  private var counts: [UInt32] = []
  private var free: [UInt32] = []

  /// Distinct strings held.
  var count: Int { numbers.count }

  /// `s`'s number, counting one more entry that names it.
  mutating func retain(_ s: String) -> UInt32 {
    if let n = numbers[s] {
      counts[Int(n)] += 1
      return n
    }
    let n: UInt32
    if let reused = free.popLast() {
      n = reused
      strings[Int(n)] = s
      counts[Int(n)] = 1
    } else {
      n = UInt32(strings.count)
      strings.append(s)
      counts.append(1)
    }
    numbers[s] = n
    return n
  }

  /// One entry naming `n` fewer; the string goes with its last.
  mutating func release(_ n: UInt32) {
    counts[Int(n)] -= 1
    guard counts[Int(n)] == 0 else { return }
    numbers[strings[Int(n)]] = nil
    strings[Int(n)] = ""
    free.append(n)
  }

  func string(_ n: UInt32) -> String { strings[Int(n)] }
}
