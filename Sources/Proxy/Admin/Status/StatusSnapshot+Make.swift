/// The parts of a `StatusSnapshot` that come from the sampler (history and the latest metrics
/// exposition): pure functions of their inputs.
extension TrafficStatus {
  init(history: TrafficHistory, exposition: MetricsExposition) {
    let rates = history.rates(lastSeconds: Self.windowSeconds)
    requestsPerSecond = rates?.requests
    byClass = zip(TrafficReading.statusClasses, rates?.byClass ?? [0, 0, 0, 0, 0]).map { ($0, $1) }
    p50Milliseconds = rates?.p50.map { $0 * 1000 }
    p99Milliseconds = rates?.p99.map { $0 * 1000 }
    let shown: [TrafficHistory.Series] = [
      .requests, .status1xx, .status2xx, .status3xx, .status4xx, .status5xx, .p50, .p99,
    ]
    series = shown.map { ($0.rawValue, history.samples($0)) }
    routes = Self.routes(exposition)
  }

  /// Per-route totals from `gatehouse_requests_total` and `gatehouse_auth_failures_total`, in
  /// the order of most requests first.
  static func routes(_ exposition: MetricsExposition) -> [RouteStatus] {
    var byName: [String: RouteStatus] = [:]
    for sample in exposition.samples("gatehouse_requests_total") {
      let name = sample.label("route") ?? "-"
      var route =
        byName[name]
        ?? RouteStatus(name: name, requests: 0, clientErrors: 0, serverErrors: 0, authFailures: 0)
      route.requests += sample.value
      if sample.label("status_class") == "4xx" { route.clientErrors += sample.value }
      if sample.label("status_class") == "5xx" { route.serverErrors += sample.value }
      byName[name] = route
    }
    for sample in exposition.samples("gatehouse_auth_failures_total") {
      let name = sample.label("route") ?? "-"
      var route =
        byName[name]
        ?? RouteStatus(name: name, requests: 0, clientErrors: 0, serverErrors: 0, authFailures: 0)
      route.authFailures += sample.value
      byName[name] = route
    }
    return byName.values.sorted { $0.requests != $1.requests ? $0.requests > $1.requests : $0.name < $1.name }
  }
}

extension AuthStatus {
  init(history: TrafficHistory, exposition: MetricsExposition) {
    sessionResults = Self.sessionResults(exposition)
    csrfFailures = exposition.sum("gatehouse_csrf_failures_total")
    bindingFailures = exposition.sum("gatehouse_session_binding_mismatches_total")
    jwtResults = exposition.sums("gatehouse_jwt_validations_total", by: "result").sorted { $0.key < $1.key }
      .map { ($0.key, $0.value) }
    refusedPerSecond = history.rates(lastSeconds: TrafficStatus.windowSeconds)?.authFailures
    // Counted over the last minute (or since start, when younger): not extrapolated, so two
    // logins in the first seconds read as 2, not as 15 a minute.
    if let minute = history.window(lastSeconds: 60) {
      loginsPerMinute = max(0, minute.newest.logins - minute.earlier.logins)
      logoutsPerMinute = max(0, minute.newest.logouts - minute.earlier.logouts)
    } else {
      loginsPerMinute = nil
      logoutsPerMinute = nil
    }
    series = [TrafficHistory.Series.authFailures, .logins, .logouts].map {
      ($0.rawValue, history.samples($0))
    }
  }

  /// Session checks by result. The families of graded session errors are used when the process
  /// has them (`gatehouse_session_errors_total{error_type}`, or a `result` label on the
  /// validation histogram); otherwise the result counters that exist since the first release.
  static func sessionResults(_ exposition: MetricsExposition) -> [(String, Double)] {
    let checks = exposition.sum("gatehouse_session_validation_duration_seconds_count")
    let byResult = exposition.sums("gatehouse_session_validation_duration_seconds_count", by: "result")
    if !byResult.isEmpty { return byResult.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
    if exposition.has("gatehouse_session_errors_total") {
      let errors = exposition.sums("gatehouse_session_errors_total", by: "error_type")
      return [("checked", checks)] + errors.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
    return [
      ("checked", checks),
      ("invalid_ticket", exposition.sum("gatehouse_session_invalid_tickets_total")),
      ("expired_idle", exposition.sum("gatehouse_sessions_destroyed_total", matching: ["reason": "idle"])),
      (
        "expired_absolute",
        exposition.sum("gatehouse_sessions_destroyed_total", matching: ["reason": "absolute"])
      ),
      ("binding_mismatch", exposition.sum("gatehouse_session_binding_mismatches_total")),
      ("csrf", exposition.sum("gatehouse_csrf_failures_total")),
    ]
  }
}

extension RedisStatus {
  /// The breaker gauge's word (0 closed, 1 half-open, 2 open).
  static func breakerWord(_ state: Double) -> String {
    state >= 2 ? "open" : state >= 1 ? "half-open" : "closed"
  }
}

extension TrafficHistory {
  /// L1 hit ratio over the last minute, nil without lookups in it.
  var cacheHitRateMinute: Double? {
    guard let minute = window(lastSeconds: 60) else { return nil }
    let hits = max(0, minute.newest.cacheHits - minute.earlier.cacheHits)
    let misses = max(0, minute.newest.cacheMisses - minute.earlier.cacheMisses)
    return hits + misses > 0 ? hits / (hits + misses) : nil
  }

  /// Store round-trip p99 (seconds) over the last minute, nil without calls.
  var storeP99Minute: Double? {
    guard let minute = window(lastSeconds: 60) else { return nil }
    return minute.newest.storeLatency.since(minute.earlier.storeLatency).quantile(0.99)
  }
}
