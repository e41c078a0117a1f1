/// How numbers appear in evidence, without Foundation: 4 significant digits, scientific below
/// 0.001, microseconds for timings. Stateless.
enum EvidenceFormat {
  static func number(_ value: Double) -> String {
    if value == 0 { return "0" }
    if !value.isFinite { return value.isNaN ? "NaN" : value > 0 ? "∞" : "-∞" }
    if abs(value) >= 1e15 { return value > 0 ? "≥1e15" : "≤-1e15" }
    if abs(value) < 0.001 {
      var exponent = 0
      var mantissa = abs(value)
      while mantissa < 1 {
        mantissa *= 10
        exponent -= 1
      }
      return (value < 0 ? "-" : "") + fixed(mantissa, 2) + "e\(exponent)"
    }
    let magnitude = abs(value)
    let decimals = magnitude >= 1000 ? 0 : magnitude >= 100 ? 1 : magnitude >= 10 ? 2 : magnitude >= 1 ? 3 : 4
    return fixed(value, decimals)
  }

  /// `value` with `places` decimals (0...6); |value| below 1e15.
  static func fixed(_ value: Double, _ places: Int) -> String {
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    let whole = Int(scaled / scale)
    var fraction = String(Int(scaled) - whole * Int(scale))
    while fraction.count < places { fraction = "0" + fraction }
    return (value < 0 && scaled != 0 ? "-" : "") + String(whole) + (places > 0 ? "." + fraction : "")
  }

  /// Nanoseconds as microseconds with one decimal: "312.4 µs".
  static func microseconds(_ nanoseconds: Double) -> String { fixed(nanoseconds / 1000, 1) + " µs" }

  /// Nanoseconds as the config file writes durations, to the millisecond ("2s", "5m310ms").
  static func duration(_ nanoseconds: UInt64) -> String {
    StaticCheck.duration(Int64(nanoseconds / 1_000_000) * 1_000_000)
  }
}
