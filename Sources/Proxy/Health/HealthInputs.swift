/// Everything `HealthEvaluator` judges, gathered at one `/health` request. Immutable.
struct HealthInputs: Sendable {
  struct Issuer: Sendable {
    let name: String
    /// Seconds since its last successful key fetch; nil before the first.
    let keyAgeSeconds: Double?
    /// Its keys are usable (fetched, not older than `max_stale`).
    let ready: Bool
  }

  enum Store: Sendable {
    /// No `[session]`.
    case none
    /// The in-process store: nothing can be unreachable.
    case memory
    /// `problem`: why the store cannot be used now (connections, breakers), nil when usable.
    /// `probe`: the last scheduled write+read probe (nil before the first).
    case redis(problem: String?, probe: StoreProbeResult?)
  }

  let listenersReady: Bool
  let issuers: [Issuer]
  let store: Store
  /// Counts over the sliding window; nil before the first sample.
  let window: HealthSample?
  /// False with the L1 cache off (no hit rate to judge).
  let cacheEnabled: Bool
}

/// One scheduled write+read probe of the session store. Immutable.
struct StoreProbeResult: Sendable, Equatable {
  let ok: Bool
  let nanos: UInt64
  /// Monotonic time of the probe.
  let at: UInt64
  let detail: String?
}
