/// Byte sizes in configuration files: an integer number of bytes, or a string "<n>", "<n>B",
/// "<n>KiB", "<n>MiB", "<n>GiB". Decimal units (KB, MB) are refused because they are ambiguous.
/// Stateless.
enum ConfigSize {
  static let hint = "use a number of bytes or a number with KiB or MiB, e.g. \"16KiB\""

  private static let units: [(suffix: String, multiplier: Int)] = [
    ("", 1), ("B", 1), ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30),
  ]

  static func parse(_ text: String) -> Int? {
    let digits = text.prefix { $0.isASCII && $0.isNumber }
    guard !digits.isEmpty, let number = Int(digits) else { return nil }
    let suffix = String(text.dropFirst(digits.count))
    guard let unit = units.first(where: { $0.suffix == suffix }) else { return nil }
    let (value, overflow) = number.multipliedReportingOverflow(by: unit.multiplier)
    return overflow ? nil : value
  }

  /// "16KiB" when exact, else bytes.
  static func describe(_ bytes: Int) -> String {
    if bytes >= 1 << 20 && bytes % (1 << 20) == 0 { return "\(bytes >> 20)MiB" }
    if bytes >= 1 << 10 && bytes % (1 << 10) == 0 { return "\(bytes >> 10)KiB" }
    return "\(bytes)"
  }
}
