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
  let failureThreshold: Int
  let cooldown: UInt64
  let workerIndex: Int
  let metrics: (any BreakerSessionStoreMetrics)?
  /// Whether the underlying connection is up (`RedisSessionStore.isAvailable`).
  let connected: () -> Bool
  /// Called on every state change (readiness accounting).
  public var onStateChange: ((State, State) -> Void)?

  public private(set) var state = State.closed
  private var consecutiveFailures = 0
  private var openedAt: UInt64 = 0
  private var unavailableSince: UInt64?

  public init(
    inner: any SessionStore, now: @escaping () -> UInt64, failureThreshold: Int, cooldown: UInt64,
    workerIndex: Int = 0, metrics: (any BreakerSessionStoreMetrics)? = nil,
    connected: @escaping () -> Bool = { true }
  ) {
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

  /// The connection dropped: the outage (if any) starts now.
  public func connectionLost() {
    if unavailableSince == nil { unavailableSince = now() }
  }

  // MARK: State machine

  /// True when a call may go to the store (closed, or the half-open probe).
  func admit() -> Bool {
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
    _ completion: @escaping (Result<T, SessionError>) -> Void,
    _ call: (@escaping (Result<T, SessionError>) -> Void) -> Void
  ) {
    guard admit() else {
      metrics?.refusedWhileOpen()
      completion(.failure(Self.openError))
      return
    }
    let started = metrics?.callStarted() ?? 0
    call { [self] result in
      metrics?.callFinished(startedAt: started)
      switch result {
      case .success: record(nil)
      case .failure(let error): record(error)
      }
      completion(result)
    }
  }

  // MARK: SessionStore

  public func create(
    _ session: StoredSession, userKey: String, limits: SessionLimits, now: Int64,
    completion: @escaping (Result<CreateOutcome, SessionError>) -> Void
  ) {
    guarded(completion) { inner.create(session, userKey: userKey, limits: limits, now: now, completion: $0) }
  }

  public func load(
    storeKey: String, now: Int64, completion: @escaping (Result<LoadOutcome, SessionError>) -> Void
  ) {
    guarded(completion) { inner.load(storeKey: storeKey, now: now, completion: $0) }
  }

  public func touch(
    storeKey: String, userKey: String, lastAccess: Int64, expiresAt: Int64, now: Int64,
    completion: @escaping (Result<TouchOutcome, SessionError>) -> Void
  ) {
    guarded(completion) {
      inner.touch(
        storeKey: storeKey, userKey: userKey, lastAccess: lastAccess, expiresAt: expiresAt, now: now,
        completion: $0)
    }
  }

  public func rotate(
    userKey: String, oldKey: String, newSession: StoredSession, forward: SealedRecord, grace: Int64,
    now: Int64, completion: @escaping (Result<RotateOutcome, SessionError>) -> Void
  ) {
    guarded(completion) {
      inner.rotate(
        userKey: userKey, oldKey: oldKey, newSession: newSession, forward: forward, grace: grace, now: now,
        completion: $0)
    }
  }

  public func destroy(
    storeKey: String, userKey: String, completion: @escaping (Result<Bool, SessionError>) -> Void
  ) {
    guarded(completion) { inner.destroy(storeKey: storeKey, userKey: userKey, completion: $0) }
  }

  public func revokeAll(userKey: String, completion: @escaping (Result<[String], SessionError>) -> Void) {
    guarded(completion) { inner.revokeAll(userKey: userKey, completion: $0) }
  }

  public func list(
    userKey: String, now: Int64, completion: @escaping (Result<[SessionSummary], SessionError>) -> Void
  ) {
    guarded(completion) { inner.list(userKey: userKey, now: now, completion: $0) }
  }
}
