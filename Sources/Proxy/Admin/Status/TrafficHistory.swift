/// The dashboard's memory of the last five minutes: one `SecondSeries` per sparkline, fed one
/// `TrafficReading` a second by `StatusSampler`, plus the readings of the last minute for the
/// headline figures (rates over 10 s, logins per minute, store p99 over a minute). Nothing here
/// is recomputed from Prometheus: it is a per-process ring filled as the process runs, so a
/// restarted process starts with empty sparklines. A plain value; the sampler owns it.
struct TrafficHistory: Sendable {
  /// Seconds kept per sparkline.
  static let seconds = 300
  /// Readings kept for windowed figures (one a second, a minute and one).
  static let readingsKept = 61

  enum Series: String, CaseIterable, Sendable {
    case requests
    case status1xx = "1xx", status2xx = "2xx", status3xx = "3xx", status4xx = "4xx", status5xx = "5xx"
    case p50 = "p50_ms", p99 = "p99_ms"
    case authFailures = "auth_failures"
    case logins, logouts
  }

  private(set) var series: [Series: SecondSeries]
  private var readings = RingBuffer<(second: Int64, reading: TrafficReading)>(capacity: readingsKept)

  init() {
    var series: [Series: SecondSeries] = [:]
    for name in Series.allCases { series[name] = SecondSeries(capacity: Self.seconds) }
    self.series = series
  }

  /// The newest reading, nil before the first.
  var latest: TrafficReading? { readings.newest?.reading }

  /// Adds the reading taken at `second`; the first one only sets the baseline (no rates yet).
  mutating func record(_ reading: TrafficReading, at second: Int64) {
    if let previous = readings.newest {
      guard second > previous.second else { return }
      let rates = reading.rates(since: previous.reading, seconds: Double(second - previous.second))
      add(.requests, rates.requests, second)
      for (index, name) in [Series.status1xx, .status2xx, .status3xx, .status4xx, .status5xx].enumerated() {
        add(name, rates.byClass[index], second)
      }
      add(.p50, rates.p50.map { $0 * 1000 }, second)
      add(.p99, rates.p99.map { $0 * 1000 }, second)
      add(.authFailures, rates.authFailures, second)
      add(.logins, rates.logins, second)
      add(.logouts, rates.logouts, second)
    }
    readings.append((second, reading))
  }

  private mutating func add(_ name: Series, _ value: Double?, _ second: Int64) {
    series[name]?.record(value, at: second)
  }

  /// Oldest first, one entry a second (nil = gap), at most `seconds`.
  func samples(_ name: Series) -> [Double?] { series[name]?.samples ?? [] }

  /// The newest reading and the one `seconds` before it (or the oldest kept), with the time
  /// between them; nil until two readings exist.
  func window(lastSeconds seconds: Int) -> (earlier: TrafficReading, newest: TrafficReading, seconds: Double)?
  {
    guard let newest = readings.newest, readings.count > 1 else { return nil }
    var earlier = readings.element(fromNewest: 1)!
    for offset in 1..<readings.count {
      guard let candidate = readings.element(fromNewest: offset) else { break }
      earlier = candidate
      if newest.second - candidate.second >= Int64(seconds) { break }
    }
    return (earlier.reading, newest.reading, Double(newest.second - earlier.second))
  }

  /// Rates and latency quantiles over the last `seconds` (nil until two readings exist).
  func rates(lastSeconds seconds: Int) -> TrafficRates? {
    guard let window = window(lastSeconds: seconds) else { return nil }
    return window.newest.rates(since: window.earlier, seconds: window.seconds)
  }
}
