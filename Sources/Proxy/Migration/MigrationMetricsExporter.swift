import Codecs
import EventLoop
import Logging
import Prometheus
import Sessions
import Synchronization

/// Migration families (`gatehouse_migration_*`, docs/migration.md §6) and the sampled mismatch
/// log. Counters are pre-created for every label combination and found by index, so a store
/// call costs an array lookup and an atomic add. Thread-safe (swift-prometheus objects lock on
/// their own; the log sampler is a Mutex).
final class MigrationMetricsExporter: MigrationMetrics, Sendable {
  private let operations: [Counter]
  private let mismatches: [Counter]
  private let fallbacks: [Counter]
  private let durations: [DurationHistogram]
  private let percentageGauge: Gauge
  private let modeGauges: [Gauge]
  private let stepBacks: Counter
  private let owed: Gauge
  private let log: Logger
  private let clock: any Clock
  /// Monotonic ns of the last mismatch line: at most one per `sampleInterval`.
  private let lastSample = Mutex<UInt64?>(nil)
  private let suppressed = Atomic<Int>(0)
  static let sampleInterval: UInt64 = 1_000_000_000

  init(registry: PrometheusCollectorRegistry, log: Logger, clock: any Clock) {
    self.log = log
    self.clock = clock
    var operations: [Counter] = []
    for store in MigrationStoreRole.allCases {
      for operation in MigrationOperation.allCases {
        for result in ["ok", "error"] {
          operations.append(
            registry.counter(
              "gatehouse_migration_ops_total",
              labels: [("store", store.rawValue), ("op", operation.rawValue), ("result", result)],
              help: "Calls to the two stores of a session migration (error: unavailable or timed out)."))
        }
      }
    }
    self.operations = operations
    mismatches = MigrationMismatchField.allCases.map {
      registry.counter(
        "gatehouse_migration_mismatches_total", labels: [("field", $0.rawValue)],
        help: "Reads whose answers differed between the two stores, by the first differing field.")
    }
    fallbacks = MigrationFallbackReason.allCases.map {
      registry.counter(
        "gatehouse_migration_fallbacks_total", labels: [("reason", $0.rawValue)],
        help: "Calls answered by the store that is not the user's primary.")
    }
    durations = MigrationStoreRole.allCases.map {
      registry.durationHistogram(
        "gatehouse_migration_store_duration_seconds", labels: [("store", $0.rawValue)],
        buckets: [
          .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
          .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
          .milliseconds(250),
        ],
        help: "Latency of each call to one of the two stores of a session migration.")
    }
    percentageGauge = registry.gauge(
      "gatehouse_migration_percentage",
      help: "Share of users whose reads the new store answers (split; 100 in complete, 0 before).")
    modeGauges = MigrationMode.allCases.map {
      registry.gauge(
        "gatehouse_migration_mode", labels: [("mode", $0.rawValue)],
        help: "1 for the migration mode in force.")
    }
    stepBacks = registry.counter(
      "gatehouse_migration_step_backs_total", help: "Automatic step backs of the split percentage.")
    owed = registry.gauge(
      "gatehouse_migration_owed_deletions",
      help: "Deletions a store missed while unavailable, still to be delivered to it.")
  }

  // MARK: MigrationMetrics (store calls, any worker thread)

  func operation(
    _ operation: MigrationOperation, on store: MigrationStoreRole, succeeded: Bool, nanoseconds: UInt64
  ) {
    let storeIndex = store == .from ? 0 : 1
    let index = (storeIndex * Self.operationCount + Self.index(operation)) * 2 + (succeeded ? 0 : 1)
    operations[index].increment()
    durations[storeIndex].record(.nanoseconds(Int64(min(nanoseconds, UInt64(Int64.max)))))
  }

  func mismatched(_ mismatch: MigrationMismatch) {
    if let first = mismatch.fields.first, let index = MigrationMismatchField.allCases.firstIndex(of: first) {
      mismatches[index].increment()
    }
    let now = clock.monotonicNanos()
    let due = lastSample.withLock { last -> Bool in
      if let last, now &- last < Self.sampleInterval { return false }
      last = now
      return true
    }
    guard due else {
      suppressed.add(1, ordering: .relaxed)
      return
    }
    let skipped = suppressed.exchange(0, ordering: .relaxed)
    log.warning(
      "session stores disagree",
      metadata: [
        "event": "migration_mismatch", "fields": "\(mismatch.fields.map(\.rawValue).joined(separator: ","))",
        "session": "\(Self.hashPrefix(mismatch.storeKey))", "primary": "\(mismatch.primary.rawValue)",
        "primary_answer": "\(mismatch.primaryAnswer)", "other_answer": "\(mismatch.otherAnswer)",
        "unlogged_since_last": "\(skipped)",
      ])
  }

  func fellBack(_ reason: MigrationFallbackReason) {
    fallbacks[reason == .error ? 0 : 1].increment()
  }

  func owedDeletions(_ count: Int) { owed.set(Int64(count)) }

  // MARK: Setting changes

  func applied(_ setting: MigrationSetting) {
    switch setting.mode {
    case .off, .shadow, .dual: percentageGauge.set(Int64(0))
    case .split: percentageGauge.set(Int64(setting.percentage))
    case .complete: percentageGauge.set(Int64(100))
    }
    for (index, mode) in MigrationMode.allCases.enumerated() {
      modeGauges[index].set(Int64(mode == setting.mode ? 1 : 0))
    }
  }

  func steppedBack() { stepBacks.increment() }

  static let operationCount = MigrationOperation.allCases.count

  /// The position of `operation` in `MigrationOperation.allCases` (no array built per call).
  static func index(_ operation: MigrationOperation) -> Int {
    switch operation {
    case .create: 0
    case .load: 1
    case .touch: 2
    case .rotate: 3
    case .destroy: 4
    case .revokeAll: 5
    case .list: 6
    case .copy: 7
    }
  }

  /// The first 12 hex digits of the id hash in `s:{tag}:<sha256 hex>` (what `X-Session-Hash`
  /// shows), never more.
  static func hashPrefix(_ storeKey: String) -> String {
    guard let colon = storeKey.lastIndex(of: ":") else { return "?" }
    return String(storeKey[storeKey.index(after: colon)...].prefix(12))
  }
}
