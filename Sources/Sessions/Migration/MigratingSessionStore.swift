public import EventLoop

/// A session store that moves sessions from one store (`from`) to another (`to`) while both
/// serve traffic, behind the same `SessionStore` contract (docs/migration.md). The setting in
/// force (`MigrationControl`, shared by every worker) decides per call which store answers — the
/// primary, per user in `split` — and what the other store gets (`MigrationRoute`).
///
/// The rules every mode keeps (docs/migration.md §2):
/// - The primary decides, the other store follows: a login's cap is decided by the primary,
///   which names the sessions it evicted; the other store drops those and stores the new one
///   without a cap of its own. Rotations are replayed with the same new session and forwarding.
/// - Order: a login, a rotation or a logout is answered only once the other store has followed
///   (or failed), in every mode that writes both. The client's next request may reach another
///   replica: it must find the new id in the store that answers there, and a logout sent through
///   that replica must not overtake the copy of a login still on its way (which would leave the
///   logged-out session alive in `to`). Only touches are not waited for.
/// - Sealed records move as they are: a copy is the primary's `StoredSession` byte for byte.
/// - A session that `from` has and `to` lacks is copied to `to` when a read finds it.
/// - Reads compare only in `dual` and `split` (after unsealing with the ticket, when the caller
///   has one: `load(ticket:)`); mismatches are counted, never acted on per request.
/// - Fallbacks: a read whose primary failed uses the other store's answer; a read that `to`
///   answers "not found" uses `from`'s (`split`, `complete` while draining). A write whose
///   primary is `to` and failed is done by `from` (`require = "primary"`): `from` holds every
///   session while writes are dual. A write is never answered by `to` alone when `from` is
///   the authority (`from` would then refuse the session on the next read).
/// - A deletion that one store missed while unavailable is owed to it (`MigrationOwedDeletions`)
///   and delivered before the user's next login or rotation and on that store's next answer.
/// - In `split`, `to`'s calls and the compared reads feed the step back (`MigrationControl`).
///
/// Threading: loop-thread only, like the stores it composes (one per worker, each Redis store
/// on that worker's loop; a shared memory store answers synchronously). Completions run once,
/// on the loop, synchronously when the answering store did. `@unchecked Sendable` only because
/// `SessionStore` requires it.
public final class MigratingSessionStore: SessionStore, @unchecked Sendable {
  public let from: any SessionStore
  public let to: any SessionStore
  public let control: MigrationControl
  public let require: MigrationWriteRequirement
  let metrics: (any MigrationMetrics)?
  /// Latency and the drain window (monotonic line); the process's clock, a manual one in tests.
  let clock: any Clock

  /// Limits under which the store that follows stores a session: the primary already decided.
  static let followerLimits = SessionLimits(maxPerUser: 0, onLimit: .evictOldest)

  public init(
    from: any SessionStore, to: any SessionStore, control: MigrationControl,
    require: MigrationWriteRequirement = .primary, metrics: (any MigrationMetrics)? = nil,
    clock: any Clock
  ) {
    self.from = from
    self.to = to
    self.control = control
    self.require = require
    self.metrics = metrics
    self.clock = clock
  }

  // MARK: Routing and accounting

  /// The route for a call on `key` (a store or user key: both carry the user's tag).
  func route(_ key: String) -> MigrationRoute {
    MigrationRoute.plan(
      control.setting, draining: { control.draining(now: clock.monotonicNanos()) },
      bucket: { MigrationBucket.of(key: key) })
  }

  func store(_ role: MigrationStoreRole) -> any SessionStore { role == .from ? from : to }

  /// Runs one call on `role`'s store, timing it for the metrics and, for `to`, the step back.
  func call<T>(
    _ role: MigrationStoreRole, _ operation: MigrationOperation,
    _ body: (any SessionStore, @escaping (Result<T, SessionError>) -> Void) -> Void,
    _ completion: @escaping (Result<T, SessionError>) -> Void
  ) {
    let started = clock.monotonicNanos()
    body(store(role)) { [self] result in
      let finished = clock.monotonicNanos()
      let elapsed = finished &- started
      let succeeded = !Self.unavailable(result)
      metrics?.operation(operation, on: role, succeeded: succeeded, nanoseconds: elapsed)
      if role == .to { control.observe(.call(succeeded: succeeded, nanoseconds: elapsed), now: finished) }
      if succeeded && !control.owedDeletions.isEmpty { deliver(control.owedDeletions.take(role)) {} }
      completion(result)
    }
  }

  // MARK: Owed deletions

  /// Notes that `role`'s store missed the deletion of `storeKey` (it was unavailable) while the
  /// other store took it (`MigrationOwedDeletions`). Not in `off`: nothing reads `to` there, and a
  /// target that is not up yet would fill the list.
  func owe(_ role: MigrationStoreRole, storeKey: String, userKey: String, _ route: MigrationRoute) {
    guard route.secondary != .deletions && route.secondary != .none else { return }
    control.owedDeletions.note(role, storeKey: storeKey, userKey: userKey)
    metrics?.owedDeletions(control.owedDeletions.pending)
  }

  /// Delivers `deletions`; one that fails again stays owed. `then` runs once all answered.
  func deliver(_ deletions: [MigrationOwedDeletions.Deletion], then: @escaping () -> Void) {
    guard !deletions.isEmpty else { return then() }
    var pending = deletions.count
    for deletion in deletions {
      call(
        deletion.store, .destroy,
        { $0.destroy(storeKey: deletion.storeKey, userKey: deletion.userKey, completion: $1) }
      ) { [self] (result: Result<Bool, SessionError>) in
        if Self.unavailable(result) {
          control.owedDeletions.note(deletion.store, storeKey: deletion.storeKey, userKey: deletion.userKey)
        }
        pending -= 1
        guard pending == 0 else { return }
        metrics?.owedDeletions(control.owedDeletions.pending)
        then()
      }
    }
  }

  /// Runs `write` once the deletions owed for `userKey` were delivered (or failed again), so the
  /// store that decides the user's cap does not count a session the user already ended.
  func afterOwedDeletions(_ userKey: String, _ write: @escaping () -> Void) {
    guard !control.owedDeletions.isEmpty else { return write() }
    deliver(control.owedDeletions.take(userKey: userKey), then: write)
  }

  static func unavailable<T>(_ result: Result<T, SessionError>) -> Bool {
    if case .failure(let error) = result, error.kind == .storeUnavailable { return true }
    return false
  }

  /// Stores `session` (found in `from`) in `to` as it is; an existing key there is fine. A
  /// logout or rotation may have reached both stores between `from`'s answer and this copy, so a
  /// stored copy is checked against `from` once more and destroyed again if `from` no longer
  /// holds the session live (a logged-out session must not live on in `to`).
  func copy(_ session: StoredSession, now: Int64) {
    let key = session.summary.storeKey
    guard let userKey = SessionTicket.userKey(ofStoreKey: key) else { return }
    call(
      .to, .copy,
      { $0.create(session, userKey: userKey, limits: Self.followerLimits, now: now, completion: $1) }
    ) { [self] (stored: Result<CreateOutcome, SessionError>) in
      guard case .success(.created) = stored else { return }
      call(.from, .load, { $0.load(storeKey: key, now: now, completion: $1) }) { [self] check in
        if case .success(.found) = check { return }
        call(.to, .destroy, { $0.destroy(storeKey: key, userKey: userKey, completion: $1) }) {
          (_: Result<Bool, SessionError>) in
        }
      }
    }
  }

  // MARK: Reads

  public func load(
    storeKey: String, now: Int64, completion: @escaping (Result<LoadOutcome, SessionError>) -> Void
  ) {
    load(storeKey, ticket: nil, now: now, completion)
  }

  public func load(
    ticket: SessionTicket, now: Int64, completion: @escaping (Result<LoadOutcome, SessionError>) -> Void
  ) {
    load(ticket.storeKey, ticket: ticket, now: now, completion)
  }

  private func load(
    _ storeKey: String, ticket: SessionTicket?, now: Int64,
    _ completion: @escaping (Result<LoadOutcome, SessionError>) -> Void
  ) {
    let route = route(storeKey)
    let body: (any SessionStore, @escaping (Result<LoadOutcome, SessionError>) -> Void) -> Void = {
      $0.load(storeKey: storeKey, now: now, completion: $1)
    }
    switch route.secondary {
    case .none, .deletions:
      call(route.primary, .load, body, completion)
    case .background:
      call(.from, .load, body) { [self] result in
        completion(result)
        guard case .success(.found(let session)) = result else { return }
        call(.to, .load, body) { [self] mirror in
          if case .success(.notFound) = mirror { copy(session, now: now) }
        }
      }
    case .drain:
      call(.to, .load, body) { [self] primary in
        switch primary {
        case .success(.found), .success(.forwarded):
          completion(primary)
        case .success(.notFound), .failure:
          call(.from, .load, body) { [self] fallback in
            guard case .success(let outcome) = fallback, outcome != .notFound else {
              return completion(primary)
            }
            metrics?.fellBack(Self.unavailable(primary) ? .error : .notFound)
            if case .found(let session) = outcome, case .success(.notFound) = primary {
              copy(session, now: now)
            }
            completion(fallback)
          }
        }
      }
    case .mirrored:
      let join = ComparedLoad(
        storeKey: storeKey, ticket: ticket, now: now, primary: route.primary, completion: completion)
      call(route.primary, .load, body) { [self] in settle(join, primary: $0) }
      call(route.other, .load, body) { [self] in settle(join, other: $0) }
    }
  }

  // MARK: Compared reads

  /// One `dual`/`split` read in flight: both answers as they come. Loop-thread only.
  final class ComparedLoad {
    let storeKey: String
    let ticket: SessionTicket?
    let now: Int64
    let primaryRole: MigrationStoreRole
    let completion: (Result<LoadOutcome, SessionError>) -> Void
    var primary: Result<LoadOutcome, SessionError>?
    var other: Result<LoadOutcome, SessionError>?
    var answered = false

    init(
      storeKey: String, ticket: SessionTicket?, now: Int64, primary: MigrationStoreRole,
      completion: @escaping (Result<LoadOutcome, SessionError>) -> Void
    ) {
      self.storeKey = storeKey
      self.ticket = ticket
      self.now = now
      self.primaryRole = primary
      self.completion = completion
    }
  }

  private func settle(
    _ join: ComparedLoad, primary: Result<LoadOutcome, SessionError>? = nil,
    other: Result<LoadOutcome, SessionError>? = nil
  ) {
    if let primary { join.primary = primary }
    if let other { join.other = other }
    if !join.answered, let answer = answer(join) {
      join.answered = true
      join.completion(answer)
    }
    guard let primary = join.primary, let other = join.other else { return }
    compare(join, primary, other)
  }

  /// The answer once it is known: the primary's, unless it failed or (`to` as primary) missed
  /// and the other store has the session. Nil while waiting for the other store.
  private func answer(_ join: ComparedLoad) -> Result<LoadOutcome, SessionError>? {
    guard let primary = join.primary else { return nil }
    switch primary {
    case .success(.found), .success(.forwarded):
      return primary
    case .success(.notFound) where join.primaryRole == .from:
      return primary
    case .success(.notFound), .failure:
      guard let other = join.other else { return nil }
      guard case .success(let outcome) = other, outcome != .notFound else { return primary }
      metrics?.fellBack(Self.unavailable(primary) ? .error : .notFound)
      return other
    }
  }

  private func compare(
    _ join: ComparedLoad, _ primary: Result<LoadOutcome, SessionError>,
    _ other: Result<LoadOutcome, SessionError>
  ) {
    guard case .success(let a) = primary, case .success(let b) = other else { return }
    let fields = SessionRecordComparison.mismatches(a, b, ticket: join.ticket)
    control.observe(.comparison(mismatched: !fields.isEmpty), now: clock.monotonicNanos())
    if !fields.isEmpty {
      metrics?.mismatched(
        MigrationMismatch(
          fields: fields, storeKey: join.storeKey, primary: join.primaryRole, primaryAnswer: a, otherAnswer: b
        ))
    }
    let (inFrom, inTo) = join.primaryRole == .from ? (a, b) : (b, a)
    if case .found(let session) = inFrom, inTo == .notFound { copy(session, now: join.now) }
  }

  public func list(
    userKey: String, now: Int64, completion: @escaping (Result<[SessionSummary], SessionError>) -> Void
  ) {
    call(route(userKey).primary, .list, { $0.list(userKey: userKey, now: now, completion: $1) }, completion)
  }
}
