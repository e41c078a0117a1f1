/// Comparison whose duration does not depend on where two byte strings first differ, for
/// bearer tokens (Crypto's compare is not merged yet; switch to it once it is). Immutable.
enum ConstantTime {
  /// True when `a` and `b` are equal. Time depends only on the lengths (a length mismatch is
  /// not hidden: token length is not the secret).
  static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    var difference = UInt8(truncatingIfNeeded: a.count ^ b.count) | (a.count == b.count ? 0 : 1)
    let count = min(a.count, b.count)
    var index = 0
    while index < count {
      difference |= a[index] ^ b[index]
      index += 1
    }
    return difference == 0
  }
}
