/// The cumulative totals the dashboard follows, read at one instant from Gatehouse's own
/// metric families (`MetricsExposition`) plus the L1 cache's counts. Two readings a few
/// seconds apart give rates and the latency of the requests in between. Immutable.
struct TrafficReading: Sendable {
  /// Requests answered, by status class `1xx` … `5xx` (`gatehouse_requests_total`).
  var byClass: [Double]
  /// `gatehouse_request_duration_seconds`, all workers.
  var latency: CumulativeHistogram
  /// Session store round trips (`gatehouse_redis_command_duration_seconds` when present,
  /// else `gatehouse_redis_roundtrip_seconds`); empty with the memory store.
  var storeLatency: CumulativeHistogram
  /// Requests Gatehouse refused for authentication (`gatehouse_auth_failures_total`).
  var authFailures: Double
  /// Logins (`gatehouse_sessions_created_total`) and logouts
  /// (`gatehouse_sessions_destroyed_total{reason="logout"}`).
  var logins: Double
  var logouts: Double
  var cacheHits: Double
  var cacheMisses: Double

  static let statusClasses = MetricLabels.statusClasses

  init(
    byClass: [Double] = Array(repeating: 0, count: 5), latency: CumulativeHistogram = .init(buckets: []),
    storeLatency: CumulativeHistogram = .init(buckets: []), authFailures: Double = 0, logins: Double = 0,
    logouts: Double = 0, cacheHits: Double = 0, cacheMisses: Double = 0
  ) {
    self.byClass = byClass
    self.latency = latency
    self.storeLatency = storeLatency
    self.authFailures = authFailures
    self.logins = logins
    self.logouts = logouts
    self.cacheHits = cacheHits
    self.cacheMisses = cacheMisses
  }

  /// Reads the families; the L1 counts come from the cache itself until a metric carries them
  /// (`gatehouse_session_cache_requests_total{result}` is used when present).
  init(_ exposition: MetricsExposition, cacheHits: UInt64 = 0, cacheMisses: UInt64 = 0) {
    let classes = exposition.sums("gatehouse_requests_total", by: "status_class")
    byClass = Self.statusClasses.map { classes[$0] ?? 0 }
    latency = exposition.histogram("gatehouse_request_duration_seconds")
    storeLatency =
      exposition.has("gatehouse_redis_command_duration_seconds_bucket")
      ? exposition.histogram("gatehouse_redis_command_duration_seconds")
      : exposition.histogram("gatehouse_redis_roundtrip_seconds")
    authFailures = exposition.sum("gatehouse_auth_failures_total")
    logins = exposition.sum("gatehouse_sessions_created_total")
    logouts = exposition.sum("gatehouse_sessions_destroyed_total", matching: ["reason": "logout"])
    if exposition.has("gatehouse_session_cache_requests_total") {
      self.cacheHits = exposition.sum("gatehouse_session_cache_requests_total", matching: ["result": "hit"])
      self.cacheMisses = exposition.sum(
        "gatehouse_session_cache_requests_total", matching: ["result": "miss"])
    } else {
      self.cacheHits = Double(cacheHits)
      self.cacheMisses = Double(cacheMisses)
    }
  }

  var requests: Double { byClass.reduce(0, +) }

  /// What happened between `earlier` and this reading, per second over `seconds`.
  func rates(since earlier: TrafficReading, seconds: Double) -> TrafficRates {
    let span = max(seconds, 1)
    func rate(_ now: Double, _ before: Double) -> Double { max(0, now - before) / span }
    let window = latency.since(earlier.latency)
    return TrafficRates(
      requests: rate(requests, earlier.requests),
      byClass: zip(byClass, earlier.byClass).map { rate($0, $1) },
      p50: window.quantile(0.5), p99: window.quantile(0.99),
      authFailures: rate(authFailures, earlier.authFailures),
      logins: rate(logins, earlier.logins), logouts: rate(logouts, earlier.logouts))
  }
}

/// Per-second rates and the latency quantiles (seconds; nil without requests) of one interval.
struct TrafficRates: Equatable, Sendable {
  var requests: Double
  var byClass: [Double]
  var p50: Double?
  var p99: Double?
  var authFailures: Double
  var logins: Double
  var logouts: Double
}
