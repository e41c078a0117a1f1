/// RFC 3339 UTC timestamps with milliseconds ("2023-11-14T22:13:20.123Z"), computed without
/// libc or Foundation (the calendar is proleptic Gregorian, as `gmtime` uses). The time itself
/// comes from the caller's `Clock`. Immutable (static functions only).
public enum Timestamp {
  public static func iso8601(nanos: Int64) -> String {
    let millisecondsTotal = floorDivide(nanos, 1_000_000)
    let secondsTotal = floorDivide(millisecondsTotal, 1000)
    let milliseconds = Int(millisecondsTotal - secondsTotal * 1000)
    let days = floorDivide(secondsTotal, 86_400)
    let secondOfDay = Int(secondsTotal - days * 86_400)
    let (year, month, day) = civilDate(daysSinceEpoch: days)
    var text: [UInt8] = []
    text.reserveCapacity(24)
    append(&text, Int(year), width: 4)
    text.append(UInt8(ascii: "-"))
    append(&text, month, width: 2)
    text.append(UInt8(ascii: "-"))
    append(&text, day, width: 2)
    text.append(UInt8(ascii: "T"))
    append(&text, secondOfDay / 3600, width: 2)
    text.append(UInt8(ascii: ":"))
    append(&text, secondOfDay / 60 % 60, width: 2)
    text.append(UInt8(ascii: ":"))
    append(&text, secondOfDay % 60, width: 2)
    text.append(UInt8(ascii: "."))
    append(&text, milliseconds, width: 3)
    text.append(UInt8(ascii: "Z"))
    return String(decoding: text, as: UTF8.self)
  }

  /// Year, month (1...12) and day (1...31) of a day counted from 1970-01-01 (Howard Hinnant's
  /// `civil_from_days`: eras of 400 years, years starting in March so the leap day comes last).
  static func civilDate(daysSinceEpoch days: Int64) -> (year: Int64, month: Int, day: Int) {
    let shifted = days + 719_468
    let era = floorDivide(shifted, 146_097)
    let dayOfEra = shifted - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthFromMarch = (5 * dayOfYear + 2) / 153
    let day = Int(dayOfYear - (153 * monthFromMarch + 2) / 5 + 1)
    let month = Int(monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9)
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    return (year, month, day)
  }

  private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
    let quotient = value / divisor
    return value % divisor < 0 ? quotient - 1 : quotient
  }

  /// Decimal digits of `value` (>= 0), zero-padded to `width`.
  private static func append(_ text: inout [UInt8], _ value: Int, width: Int) {
    let value = max(value, 0)
    var divisor = 1
    var count = 1
    while divisor <= value / 10 {
      divisor *= 10
      count += 1
    }
    for _ in count..<max(width, count) { text.append(UInt8(ascii: "0")) }
    while divisor > 0 {
      text.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
      divisor /= 10
    }
  }
}
