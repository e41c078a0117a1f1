/// Durations in configuration files: strings of number+unit parts, e.g. "500ms", "30s", "1m30s",
/// "24h". Whole numbers only; each unit at most once, largest first. Stateless.
public enum ConfigDuration {
  static let hint = "use a number with ms, s, m or h"

  private static let units: [(suffix: String, nanoseconds: Int64)] = [
    ("h", 3_600_000_000_000), ("m", 60_000_000_000), ("s", 1_000_000_000), ("ms", 1_000_000),
  ]

  public static func parse(_ text: String) -> Duration? {
    let bytes = Array(text.utf8)
    guard !bytes.isEmpty else { return nil }
    var index = 0
    var total: Int64 = 0
    var lastUnit = -1
    while index < bytes.count {
      var number: Int64 = 0
      let start = index
      while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
        let (shifted, o1) = number.multipliedReportingOverflow(by: 10)
        let (sum, o2) = shifted.addingReportingOverflow(Int64(bytes[index] - UInt8(ascii: "0")))
        if o1 || o2 { return nil }
        number = sum
        index += 1
      }
      guard index > start else { return nil }
      let unitStart = index
      while index < bytes.count, bytes[index] >= UInt8(ascii: "a"), bytes[index] <= UInt8(ascii: "z") {
        index += 1
      }
      let suffix = String(decoding: bytes[unitStart..<index], as: UTF8.self)
      guard let unit = units.firstIndex(where: { $0.suffix == suffix }), unit > lastUnit else { return nil }
      lastUnit = unit
      let (part, o1) = number.multipliedReportingOverflow(by: units[unit].nanoseconds)
      let (sum, o2) = total.addingReportingOverflow(part)
      if o1 || o2 { return nil }
      total = sum
    }
    return .nanoseconds(total)
  }

  /// The shortest form `parse` reads back: "0s", "500ms", "1m30s", "24h".
  public static func format(_ duration: Duration) -> String {
    var rest = duration.nanoseconds
    guard rest > 0 else { return "0s" }
    var out = ""
    for unit in units {
      let size = UInt64(unit.nanoseconds)
      if rest >= size {
        out += "\(rest / size)\(unit.suffix)"
        rest %= size
      }
    }
    if rest > 0 || out.isEmpty { out += "\(rest)ns" }  // unreachable for parsed values (ms granularity)
    return out
  }
}
