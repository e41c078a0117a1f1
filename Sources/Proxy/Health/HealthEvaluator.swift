public import Config

/// Grades the process for `GET /health` (docs/operations.md §7). Pure: inputs and thresholds in,
/// a `HealthReport` out; `now` (monotonic ns) only ages the store probe.
///
///     unhealthy  the process cannot serve anything: its listeners are not accepting
///     degraded   it serves, but something is wrong: a JWT issuer without usable keys, the store
///                unavailable or failing its probe, store p99 / error rate / L1 hit rate over
///                the window past a threshold, upstream connects failing in the window
///     healthy    none of that
///
/// Rates and the p99 are judged only with at least `minSamples` calls (lookups) in the window.
public struct HealthEvaluator: Sendable {
  public let settings: HealthSettings

  public init(settings: HealthSettings) { self.settings = settings }

  func evaluate(_ inputs: HealthInputs, now: UInt64) -> HealthReport {
    var components: [HealthReport.Component] = []
    components.append(
      inputs.listenersReady
        ? .init(name: "listeners", status: .healthy, detail: nil)
        : .init(name: "listeners", status: .unhealthy, detail: "not accepting (starting or draining)"))
    let failures = inputs.window?.upstreamConnectFailures ?? 0
    components.append(
      failures == 0
        ? .init(name: "upstream", status: .healthy, detail: nil)
        : .init(
          name: "upstream", status: .degraded, detail: "\(failures) connect failure(s) in the window"))
    for issuer in inputs.issuers {
      var component = HealthReport.Component(
        name: "jwt_issuer \(issuer.name)", status: issuer.ready ? .healthy : .degraded,
        detail: issuer.ready ? nil : "no usable key set")
      if let age = issuer.keyAgeSeconds { component.numbers.append(("key_age_seconds", age)) }
      components.append(component)
    }
    var stats: [(String, Double)] = []
    if let store = storeComponent(inputs, now: now, stats: &stats) { components.append(store) }
    if let cache = cacheComponent(inputs, stats: &stats) { components.append(cache) }

    let status = components.map(\.status).max() ?? .healthy
    let reasons = components.compactMap { component in
      component.status == .healthy
        ? nil : "\(component.name): \(component.detail ?? component.status.rawValue)"
    }
    return HealthReport(status: status, reasons: reasons, components: components, stats: stats)
  }

  private func storeComponent(_ inputs: HealthInputs, now: UInt64, stats: inout [(String, Double)])
    -> HealthReport.Component?
  {
    let problem: String?
    var numbers: [(String, Double)] = []
    switch inputs.store {
    case .none:
      return nil
    case .memory:
      return .init(name: "store", status: .healthy, detail: nil)
    case .redis(let unavailable, let probe):
      var found = unavailable
      if let probe {
        numbers.append(("probe_ms", Double(probe.nanos) / 1e6))
        numbers.append(("probe_age_seconds", Double(now &- probe.at) / 1e9))
        if !probe.ok && found == nil { found = "write+read probe failed: \(probe.detail ?? "")" }
      }
      problem = found
    }
    var detail = problem
    if let window = inputs.window, window.storeCalls >= UInt64(settings.minSamples) {
      let errorRate = Double(window.storeErrors) / Double(window.storeCalls)
      stats.append(("store_error_rate", errorRate))
      for (name, quantile) in [("store_p50_ms", 0.5), ("store_p95_ms", 0.95), ("store_p99_ms", 0.99)] {
        if let nanos = window.storeLatency(quantile: quantile) { stats.append((name, Double(nanos) / 1e6)) }
      }
      let limit = UInt64(settings.maxStoreP99.nanoseconds)
      if detail == nil, let p99 = window.storeLatency(quantile: 0.99), p99 > limit {
        detail = "p99 \(Double(p99) / 1e6) ms over \(Double(limit) / 1e6) ms"
      }
      if detail == nil, errorRate > settings.maxErrorRate {
        detail = "error rate \(errorRate) over \(settings.maxErrorRate)"
      }
    }
    return .init(
      name: "store", status: detail == nil ? .healthy : .degraded, detail: detail, numbers: numbers)
  }

  private func cacheComponent(_ inputs: HealthInputs, stats: inout [(String, Double)]) -> HealthReport
    .Component?
  {
    // The memory store answers from memory anyway: its L1 hit rate says nothing about health.
    guard inputs.cacheEnabled, case .redis = inputs.store else { return nil }
    guard let window = inputs.window else { return .init(name: "l1_cache", status: .healthy, detail: nil) }
    let lookups = window.cacheHits + window.cacheMisses
    guard lookups >= UInt64(settings.minSamples) else {
      return .init(name: "l1_cache", status: .healthy, detail: nil)
    }
    let rate = Double(window.cacheHits) / Double(lookups)
    stats.append(("l1_hit_rate", rate))
    guard rate >= settings.minL1HitRate else {
      return .init(
        name: "l1_cache", status: .degraded, detail: "hit rate \(rate) under \(settings.minL1HitRate)")
    }
    return .init(name: "l1_cache", status: .healthy, detail: nil)
  }
}
