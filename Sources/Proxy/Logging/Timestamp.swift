import Glibc

/// RFC 3339 UTC timestamps with milliseconds, without Foundation.
enum Timestamp {
  static func iso8601Now() -> String {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return iso8601(nanos: Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec))
  }

  static func iso8601(nanos: Int64) -> String {
    var seconds = time_t(nanos / 1_000_000_000)
    let millis = Int((nanos / 1_000_000) % 1000)
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func pad(_ value: Int32, _ width: Int) -> String {
      let text = String(value)
      return String(repeating: "0", count: max(0, width - text.count)) + text
    }
    return
      "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(millis), 3))Z"
  }
}
