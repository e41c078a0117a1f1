/// The `Expires` date of a cookie: parsed by the algorithm browsers use (RFC 6265bis §5.1.1), so a
/// date Gatehouse accepts means the same instant to the browser, and formatted as an IMF-fixdate
/// (RFC 9110 §5.6.7), the only form the server grammar allows. Times are seconds since the Unix
/// epoch, UTC. Stateless, thread-safe.
public enum CookieDate {
  /// Parses `bytes` as a cookie-date; nil when the algorithm fails (a missing part, a value out of
  /// range, a day that does not exist in its month, a year before 1601).
  public static func parse(_ bytes: UnsafeRawBufferPointer) -> Int64? {
    var time: (hour: Int, minute: Int, second: Int)?
    var day: Int?
    var month: Int?
    var year: Int?
    var index = 0
    let end = bytes.count
    while index < end {
      while index < end && isDelimiter(bytes[index]) { index += 1 }
      let start = index
      while index < end && !isDelimiter(bytes[index]) { index += 1 }
      if start == index { break }
      let token = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
      if time == nil, let found = parseTime(token) {
        time = found
      } else if day == nil, let found = leadingDigits(token, min: 1, max: 2) {
        day = found
      } else if month == nil, let found = parseMonth(token) {
        month = found
      } else if year == nil, let found = leadingDigits(token, min: 2, max: 4) {
        year = found
      }
    }
    guard let time, let day, let month, var year else { return nil }
    if year >= 70 && year <= 99 { year += 1900 } else if year <= 69 { year += 2000 }
    guard day >= 1, day <= 31, year >= 1601, time.hour <= 23, time.minute <= 59, time.second <= 59 else {
      return nil
    }
    guard day <= daysIn(month: month, year: year) else { return nil }
    let days = daysFromCivil(year: year, month: month, day: day)
    return days * 86_400 + Int64(time.hour * 3600 + time.minute * 60 + time.second)
  }

  public static func parse(_ text: String) -> Int64? {
    Array(text.utf8).withUnsafeBytes { parse($0) }
  }

  /// `Sun, 06 Nov 1994 08:49:37 GMT` for `epochSeconds` (years 1601 to 9999; others are clamped).
  public static func format(_ epochSeconds: Int64) -> String {
    let lowest = daysFromCivil(year: 1601, month: 1, day: 1) * 86_400
    let highest = daysFromCivil(year: 9999, month: 12, day: 31) * 86_400 + 86_399
    let seconds = min(max(epochSeconds, lowest), highest)
    let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    let secondOfDay = Int(seconds - days * 86_400)
    let (year, month, day) = civilFromDays(days)
    // 1970-01-01 was a Thursday (index 4 with Sunday = 0).
    let weekday = Int(((days % 7) + 11) % 7)
    return "\(weekdayNames[weekday]), \(twoDigits(day)) \(monthNames[month - 1]) \(year) "
      + "\(twoDigits(secondOfDay / 3600)):\(twoDigits(secondOfDay / 60 % 60)):\(twoDigits(secondOfDay % 60)) GMT"
  }

  static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
  static let monthNames = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
  ]

  static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

  /// delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E
  static func isDelimiter(_ b: UInt8) -> Bool {
    b == 0x09 || (b >= 0x20 && b <= 0x2F) || (b >= 0x3B && b <= 0x40) || (b >= 0x5B && b <= 0x60)
      || (b >= 0x7B && b <= 0x7E)
  }

  /// `min`…`max` digits, then the end of the token or a non-digit followed by anything.
  static func leadingDigits(_ token: UnsafeRawBufferPointer, min: Int, max: Int) -> Int? {
    var value = 0
    var count = 0
    while count < token.count && ASCII.isDigit(token[count]) {
      if count == max { return nil }
      value = value * 10 + Int(token[count] &- 0x30)
      count += 1
    }
    return count >= min ? value : nil
  }

  /// hms-time [ non-digit *OCTET ]: three fields of one or two digits separated by ':'.
  static func parseTime(_ token: UnsafeRawBufferPointer) -> (hour: Int, minute: Int, second: Int)? {
    var fields = (0, 0, 0)
    var index = 0
    for field in 0..<3 {
      if field > 0 {
        guard index < token.count, token[index] == UInt8(ascii: ":") else { return nil }
        index += 1
      }
      var value = 0
      let start = index
      while index < token.count && ASCII.isDigit(token[index]) && index - start < 2 {
        value = value * 10 + Int(token[index] &- 0x30)
        index += 1
      }
      guard index > start else { return nil }
      switch field {
      case 0: fields.0 = value
      case 1: fields.1 = value
      default: fields.2 = value
      }
    }
    if index < token.count && ASCII.isDigit(token[index]) { return nil }
    return (fields.0, fields.1, fields.2)
  }

  /// The month whose three-letter name starts the token (case-insensitive), 1…12.
  static func parseMonth(_ token: UnsafeRawBufferPointer) -> Int? {
    guard token.count >= 3 else { return nil }
    let prefix = [ASCII.lower(token[0]), ASCII.lower(token[1]), ASCII.lower(token[2])]
    for (index, name) in monthNames.enumerated() where Array(name.lowercased().utf8) == prefix {
      return index + 1
    }
    return nil
  }

  static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
  static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
    let y = Int64(month <= 2 ? year - 1 : year)
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let m = Int64(month)
    let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  /// The inverse of `daysFromCivil`.
  static func civilFromDays(_ days: Int64) -> (year: Int, month: Int, day: Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let mp = (5 * dayOfYear + 2) / 153
    let day = Int(dayOfYear - (153 * mp + 2) / 5 + 1)
    let month = Int(mp < 10 ? mp + 3 : mp - 9)
    let year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
    return (year, month, day)
  }
}
