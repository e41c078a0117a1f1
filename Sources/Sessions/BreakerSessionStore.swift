/// A circuit breaker in front of one worker's Redis session store (Pingora/Envoy outlier style):
///
///     closed ──(breaker_failures consecutive store failures or timeouts)──▶ open
///     open ──(breaker_cooldown passed, next call)──▶ half-open: that one call is the probe
///     half-open ──probe succeeds──▶ closed      half-open ──probe fails──▶ open (cooldown again)
///
/// While open (and while a half-open probe is in flight) calls fail at once with
/// `.storeUnavailable`, synchronously (allowed by the `SessionStore` contract), so a dead Redis
/// costs no command timeout per request. Only `.storeUnavailable` counts as a failure; "not
/// found" and conflicts are answers.
///
/// Also tracks when the current outage began (`outageStart`), for the stale-grace rule: the
/// first failure of a streak, or the moment the connection was lost (`connectionLost`), whichever
/// came first; any successful call ends the outage.
///
/// Recovery signal: `recoveries` is a generation the owner bumps when it has proof the store is
/// reachable again (the invalidation subscriber re-subscribed, which also flushes the L1). A
/// breaker opened before the bump closes at its next call instead of waiting out its cooldown,
/// so the sessions the flush removed are loaded again at once rather than refused
/// (docs/operations.md §4).
///
/// Time comes from the injected `now`; what it reports goes to an optional
/// `BreakerSessionStoreMetrics` (Prometheus lives in Proxy).
///
/// Loop-thread only (the worker's loop; the `@unchecked Sendable` is for `SessionStore`, which
/// requires it: the instance is handed to its loop before use and never shared).
public final class BreakerSessionStore: SessionStore, @unchecked Sendable {
  public enum State: Int, Sendable {
    case closed = 0
    case halfOpen = 1
    case open = 2
  }

  let inner: any SessionStore
  /// Monotonic nanoseconds (the worker loop's `now`; a fake clock in tests).
  public let now: () -> UInt64
  private(set) var failureThreshold: Int
  private(set) var cooldown: UInt64
  let workerIndex: Int
  let metrics: (any BreakerSessionStoreMetrics)?
  /// Whether the underlying connection is up (`RedisSessionStore.isAvailable`).
  let connected: () -> Bool
  /// The owner's recovery generation (see above); constant 0 when there is none.
  let recoveries: () -> UInt64
  /// Called on every state change (readiness accounting).
  public var onStateChange: ((State, State) -> Void)?

  /// The store operation a call was, for per-operation latency.
  public enum Operation: String, Sendable, CaseIterable {
    case create, load, touch, rotate, destroy
    case revokeAll = "revoke_all"
    case list
  }

  // `@exclusivity(unchecked)`: loop-thread only, and no access to them spans a call (the clock,
  // the metrics and the callbacks are called before or after, never inside one): the runtime's
  // checks — three per call, ~100 instructions each — guard nothing (docs/performance.md,
  // "Session from Redis, round 7").
  @exclusivity(unchecked) public private(set) var state = State.closed
  @exclusivity(unchecked) private var consecutiveFailures = 0
  @exclusivity(unchecked) private var openedAt: UInt64 = 0
  @exclusivity(unchecked) private var recoveriesAtOpen: UInt64 = 0
  @exclusivity(unchecked) private var unavailableSince: UInt64?

  public init(
    inner: any SessionStore, now: @escaping () -> UInt64, failureThreshold: Int, cooldown: UInt64,
    workerIndex: Int = 0, metrics: (any BreakerSessionStoreMetrics)? = nil,
    connected: @escaping () -> Bool = { true }, recoveries: @escaping () -> UInt64 = { 0 }
  ) {
    self.recoveries = recoveries
    self.inner = inner
    self.now = now
    self.failureThreshold = max(failureThreshold, 1)
    self.cooldown = cooldown
    self.workerIndex = workerIndex
    self.metrics = metrics
    self.connected = connected
  }

  static let openError = SessionError(.storeUnavailable, "circuit breaker open")

  /// Monotonic time (`now` clock) the current outage began, or nil while the store is
  /// usable: breaker closed and connection up.
  public func outageStart() -> UInt64? {
    if state == .closed && connected() {
      return nil
    }
    if unavailableSince == nil { unavailableSince = now() }
    return unavailableSince
  }

  /// A reload's `breaker_failures` and `breaker_cooldown`: used from the next failure and the
  /// next admission on (an open breaker keeps the moment it opened).
  public func reconfigure(failureThreshold: Int, cooldown: UInt64) {
    self.failureThreshold = max(failureThreshold, 1)
    self.cooldown = cooldown
  }

  /// The connection dropped: the outage (if any) starts now.
  public func connectionLost() {
    if unavailableSince == nil { unavailableSince = now() }
  }

  // MARK: State machine

  /// True when a call may go to the store (closed, or the half-open probe).
  func admit() -> Bool {
    if state != .closed && recoveries() != recoveriesAtOpen {
      consecutiveFailures = 0
      transition(to: .closed)
      return true
    }
    switch state {
    case .closed:
      return true
    case .halfOpen:
      return false
    case .open:
      guard now() &- openedAt >= cooldown else { return false }
      transition(to: .halfOpen)
      return true
    }
  }

  func record(_ error: SessionError?) {
    guard let error, error.kind == .storeUnavailable else {
      consecutiveFailures = 0
      unavailableSince = nil
      if state != .closed { transition(to: .closed) }
      return
    }
    metrics?.storeFailed(detail: error.detail)
    consecutiveFailures += 1
    if unavailableSince == nil { unavailableSince = now() }
    switch state {
    case .halfOpen:
      open()
    case .closed where consecutiveFailures >= failureThreshold:
      open()
    case .closed, .open:
      break
    }
  }

  private func open() {
    openedAt = now()
    recoveriesAtOpen = recoveries()
    transition(to: .open)
  }

  private func transition(to new: State) {
    let old = state
    state = new
    metrics?.breakerChanged(worker: workerIndex, to: new)
    onStateChange?(old, new)
  }

  /// Without traffic an open breaker would never probe: the owner calls this on a timer. When
  /// the breaker is open and its cooldown passed, `ping` (e.g. `PING` on the connection) is the
  /// half-open probe.
  public func probeIfDue(_ ping: (@escaping (Bool) -> Void) -> Void) {
    guard state == .open, admit() else { return }
    ping { [self] ok in record(ok ? nil : SessionError(.storeUnavailable, "probe failed")) }
  }

  /// Runs `call` through the breaker: fails fast when not admitted, else records the outcome
  /// and the round trip.
  private func guarded<T>(
    _ operation: Operation, _ completion: @escaping (Result<T, SessionError>) -> Void,
    _ call: (@escaping (Result<T, SessionError>) -> Void) -> Void
  ) {
    guard admitCall() else {
      completion(.failure(Self.openError))
      return
    }
    let started = metrics?.callStarted() ?? 0
    call { [self] result in
      finished(operation, startedAt: started, Self.error(of: result))
      completion(result)
    }
  }

  /// `admit`, counting a refusal.
  private func admitCall() -> Bool {
    guard admit() else {
      metrics?.refusedWhileOpen()
      return false
    }
    return true
  }

  private static func error<T>(of result: Result<T, SessionError>) -> SessionError? {
    if case .failure(let error) = result { return error }
    return nil
  }

  /// Records a call's outcome and round trip.
  private func finished(_ operation: Operation, startedAt started: UInt64, _ error: SessionError?) {
    metrics?.callFinished(startedAt: started, operation: operation)
    record(error)
  }

  // MARK: SessionStore

  public func create(
    _ session: StoredSession, userKey: String, limits: SessionLimits, now: Int64,
    completion: @escaping (Result<CreateOutcome, SessionError>) -> Void
  ) {
    guarded(.create, completion) {
      inner.create(session, userKey: userKey, limits: limits, now: now, completion: $0)
    }
  }

  /// `guarded` written out for the per-request call: the completion goes through one closure
  /// of the concrete type, not the two reabstraction thunks a generic `Result<T, …>` closure
  /// costs per call (docs/performance.md, "Session from Redis, round 5").
  public func load(
    storeKey: String, now: Int64, completion: @escaping (Result<LoadOutcome, SessionError>) -> Void
  ) {
    guard admitCall() else {
      completion(.failure(Self.openError))
      return
    }
    let started = metrics?.callStarted() ?? 0
    inner.load(storeKey: storeKey, now: now) { [self] result in
      finished(.load, startedAt: started, Self.error(of: result))
      completion(result)
    }
  }

  public func touch(
    storeKey: String, userKey: String, lastAccess: Int64, expiresAt: Int64, now: Int64,
    completion: @escaping (Result<TouchOutcome, SessionError>) -> Void
  ) {
    guarded(.touch, completion) {
      inner.touch(
        storeKey: storeKey, userKey: userKey, lastAccess: lastAccess, expiresAt: expiresAt, now: now,
        completion: $0)
    }
  }

  public func rotate(
    userKey: String, oldKey: String, newSession: StoredSession, forward: SealedRecord, grace: Int64,
    now: Int64, completion: @escaping (Result<RotateOutcome, SessionError>) -> Void
  ) {
    guarded(.rotate, completion) {
      inner.rotate(
        userKey: userKey, oldKey: oldKey, newSession: newSession, forward: forward, grace: grace, now: now,
        completion: $0)
    }
  }

  public func destroy(
    storeKey: String, userKey: String, completion: @escaping (Result<Bool, SessionError>) -> Void
  ) {
    guarded(.destroy, completion) { inner.destroy(storeKey: storeKey, userKey: userKey, completion: $0) }
  }

  public func revokeAll(userKey: String, completion: @escaping (Result<[String], SessionError>) -> Void) {
    guarded(.revokeAll, completion) { inner.revokeAll(userKey: userKey, completion: $0) }
  }

  public func list(
    userKey: String, now: Int64, completion: @escaping (Result<[SessionSummary], SessionError>) -> Void
  ) {
    guarded(.list, completion) { inner.list(userKey: userKey, now: now, completion: $0) }
  }
}
