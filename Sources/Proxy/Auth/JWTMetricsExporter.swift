import Prometheus
import Synchronization

/// Moves the JWT counters (per process, atomic) into Prometheus families at scrape time:
/// `gatehouse_jwt_validations_total{result}`, `gatehouse_jwt_cache_total{result}`,
/// `gatehouse_jwks_fetches_total{issuer,result}`, `gatehouse_jwks_age_seconds{issuer}`,
/// `gatehouse_jwks_keys{issuer}`. The runtime can be replaced by a reload, so it is read through
/// a closure each time. Thread-safe (Mutex around the last exported totals).
final class JWTMetricsExporter: Sendable {
  private let registry: PrometheusCollectorRegistry
  private let runtime: @Sendable () -> JWTRuntime?
  private let exported = Mutex<[String: Int]>([:])

  init(registry: PrometheusCollectorRegistry, runtime: @escaping @Sendable () -> JWTRuntime?) {
    self.registry = registry
    self.runtime = runtime
  }

  static let help = [
    "gatehouse_jwt_validations_total": "JWT validations by result (ok or the failure kind).",
    "gatehouse_jwt_cache_total": "Verified-token cache lookups by result.",
    "gatehouse_jwks_fetches_total": "JWKS fetches by issuer and result.",
    "gatehouse_session_errors_total":
      "Refused session and JWT requests, by error type (one fixed vocabulary).",
  ]

  func update() {
    guard let runtime = runtime() else { return }
    let counters = runtime.counters
    var totals: [(key: String, name: String, labels: [(String, String)], value: Int)] = []
    for (result, value) in counters.validations {
      totals.append(("v|\(result)", "gatehouse_jwt_validations_total", [("result", result)], value))
      if result != "ok" {
        totals.append(
          ("e|\(result)", "gatehouse_session_errors_total", [("error_type", "jwt_\(result)")], value))
      }
    }
    let cache = counters.cache
    totals.append(("c|hit", "gatehouse_jwt_cache_total", [("result", "hit")], cache.hits))
    totals.append(("c|miss", "gatehouse_jwt_cache_total", [("result", "miss")], cache.misses))
    for (key, value) in counters.jwksFetches {
      let parts = key.split(separator: "|", maxSplits: 1).map(String.init)
      guard parts.count == 2 else { continue }
      totals.append(
        ("f|\(key)", "gatehouse_jwks_fetches_total", [("issuer", parts[0]), ("result", parts[1])], value))
    }
    exported.withLock { last in
      for total in totals {
        let delta = total.value - last[total.key, default: 0]
        guard delta > 0 else { continue }
        registry.counter(total.name, labels: total.labels, help: JWTMetricsExporter.help[total.name] ?? "")
          .increment(by: Int64(delta))
        last[total.key] = total.value
      }
    }
    let now = runtime.fetcher.nowMs()
    for issuer in runtime.fetcher.issuers {
      let stats = issuer.stats(nowMs: now)
      registry.gauge(
        "gatehouse_jwks_keys", labels: [("issuer", issuer.name)],
        help: "Usable keys in the issuer's current JWKS."
      ).set(
        Int64(stats.keys))
      if let age = stats.ageSeconds {
        registry.gauge(
          "gatehouse_jwks_age_seconds", labels: [("issuer", issuer.name)],
          help: "Seconds since the issuer's keys were last fetched successfully."
        ).set(age)
      }
    }
  }
}
