import Config
import EventLoop
import HTTP1

/// One worker's metrics. Written by the worker's loop thread only; read by the admin thread at
/// scrape time. Thread-safe for that split: every value the scrape reads is an atomic.
///
/// Hot-path design (see `GatehouseMetrics` for the scrape side):
/// - counters are single-writer atomics (`AtomicCounterArray`: relaxed load + store, no locked
///   instruction), summed over workers when scraped and fed to swift-prometheus counters as
///   the increase since the previous scrape;
/// - gauges (pool idle/busy) are published into atomics by the loop when it has them at hand;
/// - histograms are `WorkerHistogram`s, one set per worker (label `worker`): a record is a
///   bucket scan and two single-writer atomic stores, no lock; the scrape renders them
///   (`GatehouseMetrics.histogramFamilies`). Aggregate with `sum by (le)`.
final class WorkerMetrics: @unchecked Sendable {
  static let requestSeries = RouteSlots.capacity * 3 * 5

  let index: Int
  /// `[routeSlot][methodClass][statusClass]`, flattened.
  let requests = AtomicCounterArray(count: WorkerMetrics.requestSeries)
  let parseRejections = AtomicCounterArray(count: MetricLabels.parseReasons.count)
  let timeouts = AtomicCounterArray(count: MetricLabels.timeoutKinds.count)
  /// `[routeSlot][authFailureReason]`, flattened: requests Gatehouse refused for
  /// authentication (`gatehouse_auth_failures_total`).
  let authFailures = AtomicCounterArray(count: RouteSlots.capacity * MetricLabels.authFailureReasons.count)
  /// 0: retries, 1: connect failures.
  let upstreamEvents = AtomicCounterArray(count: 2)
  /// `[cookieCategory][cookieAction]`, flattened (`gatehouse_cookies_rewritten_total`).
  let cookies = AtomicCounterArray(
    count: MetricLabels.cookieCategories.count * MetricLabels.cookieActions.count)
  /// 0: idle, 1: busy.
  let pool = AtomicCounterArray(count: 2)

  /// `gatehouse_request_duration_seconds`.
  let requestDuration = WorkerHistogram(buckets: GatehouseMetrics.requestBuckets)
  /// `gatehouse_upstream_connect_duration_seconds`.
  let upstreamConnectDuration = WorkerHistogram(buckets: GatehouseMetrics.upstreamBuckets)
  /// `gatehouse_upstream_response_duration_seconds`.
  let upstreamResponseDuration = WorkerHistogram(buckets: GatehouseMetrics.requestBuckets)

  init(index: Int) {
    self.index = index
  }

  /// Standalone metrics (tests, or a worker without a registry).
  convenience init() {
    self.init(index: 0)
  }

  func requestStarted() {}

  func parseRejected(_ reason: String) {
    parseRejections.add(MetricLabels.parseReasonIndex(reason))
  }

  func upstreamConnected(nanos: UInt64) {
    upstreamConnectDuration.record(nanos: nanos)
  }

  func upstreamConnectFailed() { upstreamEvents.add(1) }

  func upstreamRetried() { upstreamEvents.add(0) }

  func timedOut(_ kind: TimeoutKind) {
    timeouts.add(MetricLabels.timeoutIndex(kind))
  }

  /// The `logging` phase's metrics: one request, however it ended. `routeSlot` comes from
  /// `RouteSlots` (the worker maps its route indexes once per configuration).
  @inline(__always)
  func requestFinished(_ context: RequestContext, routeSlot: Int, now: UInt64) {
    let series =
      (routeSlot * 3 + MetricLabels.methodClass(context.method)) * 5
      + MetricLabels.statusClass(context.status)
    requests.add(series)
    if context.startNanos > 0 && now >= context.startNanos {
      requestDuration.record(nanos: now &- context.startNanos)
    }
    if context.upstreamHeadNanos > context.upstreamStartNanos && context.upstreamStartNanos > 0 {
      upstreamResponseDuration.record(nanos: context.upstreamHeadNanos &- context.upstreamStartNanos)
    }
  }

  /// The route or authenticate phase refused a request (`gatehouse_auth_failures_total`);
  /// kinds that are not authentication refusals (a store outage, a session limit) are not
  /// counted. Only refusals pay for this: the allowed path never calls it.
  func authenticationRefused(_ kind: ProxyError.Kind, routeSlot: Int) {
    guard let reason = MetricLabels.authFailureIndex(kind) else { return }
    authFailures.add(routeSlot * MetricLabels.authFailureReasons.count + reason)
  }

  /// The cookie policy acted on a cookie (`gatehouse_cookies_rewritten_total`).
  func cookieActed(_ action: CookieAction, category: CookiePolicySettings.Category?) {
    cookies.add(
      MetricLabels.cookieCategoryIndex(category) * MetricLabels.cookieActions.count + Int(action.rawValue))
  }

  /// Publishes the pool's sizes for the scrape (loop thread).
  @inline(__always)
  func publishPool(idle: Int, busy: Int) {
    pool.set(0, UInt64(max(0, idle)))
    pool.set(1, UInt64(max(0, busy)))
  }
}
