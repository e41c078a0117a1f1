public import Prometheus
import Synchronization

/// Gatehouse's Prometheus families (prefix `gatehouse_`) and the scrape that fills them.
/// Thread-safe (Mutex around the scrape state; swift-prometheus objects have their own locks).
///
/// Workers never touch the registry's counters: they count into their own `WorkerMetrics`
/// atomics, and `scrape()` — on the admin thread — sums those over workers and moves each
/// swift-prometheus counter forward by the increase since the previous scrape (gauges are set).
/// Series with labels appear once they are first non-zero, so a route that never saw a
/// request of a class costs nothing in the exposition. The duration histograms are the
/// workers' own (`WorkerHistogram`), rendered after the registry's text in swift-prometheus's
/// format (`HistogramFamily`); the rest of the exposition text is swift-prometheus's.
///
/// Families: `requests_total{route,method_class,status_class}`,
/// `request_duration_seconds`, `upstream_connect_duration_seconds`,
/// `upstream_response_duration_seconds` (histograms, label `worker`), `client_connections`,
/// `upstream_pool_connections{state}`, `parse_rejections_total{reason}`,
/// `timeouts_total{kind}`, `auth_failures_total{route,reason}`, `cookies_rewritten_total{category,action}`, `config_reloads_total{result}`,
/// `upstream_retries_total`, `upstream_connect_failures_total`, `log_lines_dropped_total`.
public final class GatehouseMetrics: Sendable {
  /// Seconds: 0.5 ms … 10 s. Pass-through requests on loopback land in the first buckets.
  static let requestBuckets: [Duration] = [
    .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
    .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
    .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
  ]
  static let upstreamBuckets: [Duration] = [
    .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
    .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(100), .milliseconds(250),
    .seconds(1), .seconds(5),
  ]

  /// The worker histograms' families, rendered after the registry's (`WorkerHistogram`).
  static let requestDurationFamily = HistogramFamily(
    name: "gatehouse_request_duration_seconds",
    help: "Time from a complete request head to the end of the exchange.", buckets: requestBuckets)
  static let upstreamConnectDurationFamily = HistogramFamily(
    name: "gatehouse_upstream_connect_duration_seconds",
    help: "Time to establish a new upstream connection (connects that did not complete at once).",
    buckets: upstreamBuckets)
  static let upstreamResponseDurationFamily = HistogramFamily(
    name: "gatehouse_upstream_response_duration_seconds",
    help: "Time from taking an upstream connection to the upstream's response head.",
    buckets: requestBuckets)

  public let registry: PrometheusCollectorRegistry
  /// `gatehouse_session_validation_duration_seconds`, rendered after the registry's families.
  let validationDurations = ValidationDurationFamily()
  /// `gatehouse_redis_roundtrip_seconds`, `gatehouse_redis_command_duration_seconds`, rendered
  /// after the registry's families (nothing without a Redis store).
  let redisDurations = RedisCallDurationFamilies()
  let routeSlots = RouteSlots()
  private let workers = Mutex<[WorkerMetrics]>([])
  private let state = Mutex(ScrapeState())
  private let activeConnections: @Sendable () -> Int
  private let droppedLogLines: @Sendable () -> Int

  private let clientConnections: Gauge
  private let poolIdle: Gauge
  private let poolBusy: Gauge
  private let reloadSuccess: Counter
  private let reloadFailure: Counter
  private let reloadRefused: Counter

  private struct ScrapeState {
    var requestTotals: [Int: UInt64] = [:]
    var requestCounters: [Int: Counter] = [:]
    var parseTotals: [Int: UInt64] = [:]
    var parseCounters: [Int: Counter] = [:]
    var timeoutTotals: [Int: UInt64] = [:]
    var timeoutCounters: [Int: Counter] = [:]
    var authFailureTotals: [Int: UInt64] = [:]
    var authFailureCounters: [Int: Counter] = [:]
    var cookieTotals: [Int: UInt64] = [:]
    var cookieCounters: [Int: Counter] = [:]
    var retries: UInt64 = 0
    var connectFailures: UInt64 = 0
    var dropped: UInt64 = 0
  }

  private let retriesCounter: Counter
  private let connectFailuresCounter: Counter
  private let droppedCounter: Counter
  private let securityDroppedCounter: Counter

  /// `activeConnections` and `droppedLogLines` are read at every scrape (any thread).
  public init(
    activeConnections: @escaping @Sendable () -> Int = { 0 },
    droppedLogLines: @escaping @Sendable () -> Int = { 0 }
  ) {
    let registry = PrometheusCollectorRegistry()
    self.registry = registry
    self.activeConnections = activeConnections
    self.droppedLogLines = droppedLogLines
    clientConnections = registry.gauge(
      "gatehouse_client_connections", help: "Client connections currently open.")
    poolIdle = registry.gauge(
      "gatehouse_upstream_pool_connections", labels: [("state", "idle")],
      help: "Upstream connections in the keep-alive pools, by state.")
    poolBusy = registry.gauge(
      "gatehouse_upstream_pool_connections", labels: [("state", "busy")],
      help: "Upstream connections in the keep-alive pools, by state.")
    reloadSuccess = registry.counter(
      "gatehouse_config_reloads_total", labels: [("result", "success")],
      help: "Configuration reloads (SIGHUP), by result.")
    reloadFailure = registry.counter(
      "gatehouse_config_reloads_total", labels: [("result", "failure")],
      help: "Configuration reloads (SIGHUP), by result.")
    reloadRefused = registry.counter(
      "gatehouse_config_reloads_total", labels: [("result", "refused")],
      help: "Configuration reloads (SIGHUP), by result.")
    retriesCounter = registry.counter(
      "gatehouse_upstream_retries_total",
      help: "Requests re-sent on a fresh connection after a pooled one turned out closed.")
    connectFailuresCounter = registry.counter(
      "gatehouse_upstream_connect_failures_total", help: "Upstream connects that failed or timed out.")
    droppedCounter = registry.counter(
      "gatehouse_log_lines_dropped_total", help: "Log lines dropped because the log writer fell behind.")
    securityDroppedCounter = registry.counter(
      "gatehouse_security_log_lines_dropped_total",
      help: "Security log lines dropped by the per-source rate limit ([log] security_events_*).")
  }

  /// A security line over its source's rate was not written (any thread: the counter is atomic).
  func securityLineDropped() { securityDroppedCounter.increment() }

  /// A worker's metrics, included in every scrape from now on.
  func makeWorkerMetrics(index: Int) -> WorkerMetrics {
    let metrics = WorkerMetrics(index: index)
    workers.withLock { $0.append(metrics) }
    return metrics
  }

  /// Counts one configuration reload.
  public func configReloaded(success: Bool) {
    (success ? reloadSuccess : reloadFailure).increment()
  }

  /// Upstream connects that failed, summed over workers (for `/health`'s window).
  func upstreamConnectFailures() -> UInt64 {
    workers.withLock { $0 }.reduce(0) { $0 &+ $1.upstreamEvents.load(1) }
  }

  /// A reload that loaded but changed a setting that needs a restart (nothing applied).
  public func configReloadRefused() { reloadRefused.increment() }

  /// Components with their own counters (JWT, Redis) bring their families up to date here,
  /// on the scraping thread, before the exposition is written.
  public func addScrapeHook(_ hook: @escaping @Sendable () -> Void) {
    scrapeHooks.withLock { $0.append(hook) }
  }

  private let scrapeHooks = Mutex<[@Sendable () -> Void]>([])

  /// Brings the registry up to date and returns the Prometheus text exposition.
  public func scrape() -> [UInt8] {
    for hook in scrapeHooks.withLock({ $0 }) { hook() }
    let workers = self.workers.withLock { $0 }
    let routeNames = routeSlots.snapshot()
    let registry = self.registry
    state.withLock { state in
      Self.advance(
        count: WorkerMetrics.requestSeries, totals: &state.requestTotals, counters: &state.requestCounters,
        read: { index in workers.reduce(0) { $0 &+ $1.requests.load(index) } },
        make: { index in
          let route = index / 15
          let method = (index / 5) % 3
          let status = index % 5
          return registry.counter(
            "gatehouse_requests_total",
            labels: [
              ("route", route < routeNames.count ? routeNames[route] : "_other"),
              ("method_class", MetricLabels.methodClasses[method]),
              ("status_class", MetricLabels.statusClasses[status]),
            ], help: "Requests answered, by route name, method class and status class.")
        })
      Self.advance(
        count: MetricLabels.parseReasons.count, totals: &state.parseTotals, counters: &state.parseCounters,
        read: { index in workers.reduce(0) { $0 &+ $1.parseRejections.load(index) } },
        make: { index in
          registry.counter(
            "gatehouse_parse_rejections_total", labels: [("reason", MetricLabels.parseReasons[index])],
            help: "Requests refused because their framing or head broke a rule, by rule.")
        })
      Self.advance(
        count: MetricLabels.timeoutKinds.count, totals: &state.timeoutTotals,
        counters: &state.timeoutCounters,
        read: { index in workers.reduce(0) { $0 &+ $1.timeouts.load(index) } },
        make: { index in
          registry.counter(
            "gatehouse_timeouts_total", labels: [("kind", MetricLabels.timeoutKinds[index])],
            help: "Timeouts that ended a wait, by kind.")
        })
      let reasons = MetricLabels.authFailureReasons
      Self.advance(
        count: RouteSlots.capacity * reasons.count, totals: &state.authFailureTotals,
        counters: &state.authFailureCounters,
        read: { index in workers.reduce(0) { $0 &+ $1.authFailures.load(index) } },
        make: { index in
          let route = index / reasons.count
          return registry.counter(
            "gatehouse_auth_failures_total",
            labels: [
              ("route", route < routeNames.count ? routeNames[route] : "_other"),
              ("reason", reasons[index % reasons.count]),
            ], help: "Requests Gatehouse refused for authentication, by route name and reason.")
        })
      let actions = MetricLabels.cookieActions
      Self.advance(
        count: MetricLabels.cookieCategories.count * actions.count, totals: &state.cookieTotals,
        counters: &state.cookieCounters,
        read: { index in workers.reduce(0) { $0 &+ $1.cookies.load(index) } },
        make: { index in
          registry.counter(
            "gatehouse_cookies_rewritten_total",
            labels: [
              ("category", MetricLabels.cookieCategories[index / actions.count]),
              ("action", actions[index % actions.count]),
            ], help: "App cookies the cookie policy rewrote or dropped, and request cookies it withheld.")
        })
      let retries = workers.reduce(0) { $0 &+ $1.upstreamEvents.load(0) }
      retriesCounter.increment(by: Int64(retries &- state.retries))
      state.retries = retries
      let failures = workers.reduce(0) { $0 &+ $1.upstreamEvents.load(1) }
      connectFailuresCounter.increment(by: Int64(failures &- state.connectFailures))
      state.connectFailures = failures
      let dropped = UInt64(max(0, droppedLogLines()))
      if dropped > state.dropped {
        droppedCounter.increment(by: Int64(dropped - state.dropped))
        state.dropped = dropped
      }
      clientConnections.set(Int64(activeConnections()))
      poolIdle.set(Int64(workers.reduce(0) { $0 &+ $1.pool.load(0) }))
      poolBusy.set(Int64(workers.reduce(0) { $0 &+ $1.pool.load(1) }))
    }
    var exposition = registry.emitToBuffer()
    Self.requestDurationFamily.append(
      series: workers.map { ($0.index, $0.requestDuration) }, to: &exposition)
    Self.upstreamConnectDurationFamily.append(
      series: workers.map { ($0.index, $0.upstreamConnectDuration) }, to: &exposition)
    Self.upstreamResponseDurationFamily.append(
      series: workers.map { ($0.index, $0.upstreamResponseDuration) }, to: &exposition)
    validationDurations.append(to: &exposition)
    redisDurations.append(to: &exposition)
    return exposition
  }

  /// Moves every series whose summed total grew since the last scrape.
  private static func advance(
    count: Int, totals: inout [Int: UInt64], counters: inout [Int: Counter], read: (Int) -> UInt64,
    make: (Int) -> Counter
  ) {
    for index in 0..<count {
      let total = read(index)
      let previous = totals[index] ?? 0
      guard total > previous else { continue }
      let counter: Counter
      if let existing = counters[index] {
        counter = existing
      } else {
        counter = make(index)
        counters[index] = counter
      }
      counter.increment(by: Int64(total - previous))
      totals[index] = total
    }
  }
}
