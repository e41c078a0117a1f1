/// The writes of `MigratingSessionStore` (rules in its doc comment and docs/migration.md §2).
extension MigratingSessionStore {
  public func create(
    _ session: StoredSession, userKey: String, limits: SessionLimits, now: Int64,
    completion: @escaping (Result<CreateOutcome, SessionError>) -> Void
  ) {
    let route = route(userKey)
    let body: (any SessionStore, @escaping (Result<CreateOutcome, SessionError>) -> Void) -> Void = {
      $0.create(session, userKey: userKey, limits: limits, now: now, completion: $1)
    }
    call(route.primary, .create, body) { [self] result in
      switch (route.secondary, result) {
      case (.none, _), (.deletions, _), (.drain, _), (_, .success(.rejectedLimitReached)):
        completion(result)
      case (.background, .success(.created(let evicted))):
        follow(route.other, evicted: evicted, session: session, userKey: userKey, now: now) { _ in
          completion(result)
        }
      case (.mirrored, .success(.created(let evicted))):
        follow(route.other, evicted: evicted, session: session, userKey: userKey, now: now) { [self] ok in
          guard require == .both else { return completion(result) }
          guard ok else {
            // Refused, so the session must not keep a slot in the primary either.
            let key = session.summary.storeKey
            call(
              route.primary, .destroy, { $0.destroy(storeKey: key, userKey: userKey, completion: $1) }
            ) { (_: Result<Bool, SessionError>) in }
            return completion(
              .failure(SessionError(.storeUnavailable, "\(route.other) store refused the copy")))
          }
          completion(result)
        }
      case (.mirrored, .failure) where fallsBack(route, result):
        call(route.other, .create, body) { [self] fallback in
          if case .success = fallback { metrics?.fellBack(.error) }
          completion(fallback)
        }
      case (.background, _), (.mirrored, _):
        completion(result)
      }
    }
  }

  public func touch(
    storeKey: String, userKey: String, lastAccess: Int64, expiresAt: Int64, now: Int64,
    completion: @escaping (Result<TouchOutcome, SessionError>) -> Void
  ) {
    paired(route(storeKey), .touch, merge: { primary, _ in primary }, completion) {
      $0.touch(
        storeKey: storeKey, userKey: userKey, lastAccess: lastAccess, expiresAt: expiresAt, now: now,
        completion: $1)
    }
  }

  public func rotate(
    userKey: String, oldKey: String, newSession: StoredSession, forward: SealedRecord, grace: Int64,
    now: Int64, completion: @escaping (Result<RotateOutcome, SessionError>) -> Void
  ) {
    let route = route(userKey)
    let body: (any SessionStore, @escaping (Result<RotateOutcome, SessionError>) -> Void) -> Void = {
      $0.rotate(
        userKey: userKey, oldKey: oldKey, newSession: newSession, forward: forward, grace: grace, now: now,
        completion: $1)
    }
    call(route.primary, .rotate, body) { [self] result in
      switch (route.secondary, result) {
      case (.none, _):
        completion(result)
      case (.drain, .success(.rotated)):
        // `from` must not answer a fallback read of the old id with the session it still holds.
        call(.from, .destroy, { $0.destroy(storeKey: oldKey, userKey: userKey, completion: $1) }) {
          (_: Result<Bool, SessionError>) in completion(result)
        }
      case (.background, .success(.rotated)), (.deletions, .success(.rotated)):
        followRotation(route.other, body, newSession: newSession, userKey: userKey, now: now) { _ in
          completion(result)
        }
      case (.mirrored, .success(.rotated)):
        followRotation(route.other, body, newSession: newSession, userKey: userKey, now: now) { [self] ok in
          guard require == .both else { return completion(result) }
          completion(
            ok
              ? result
              : .failure(SessionError(.storeUnavailable, "\(route.other) store refused the rotation")))
        }
      case (.mirrored, .failure) where fallsBack(route, result):
        call(route.other, .rotate, body) { [self] fallback in
          if case .success = fallback { metrics?.fellBack(.error) }
          completion(fallback)
        }
      case (.drain, _), (.background, _), (.deletions, _), (.mirrored, _):
        completion(result)
      }
    }
  }

  public func destroy(
    storeKey: String, userKey: String, completion: @escaping (Result<Bool, SessionError>) -> Void
  ) {
    paired(route(userKey), .destroy, waitForBoth: true, merge: { $0 || $1 }, completion) {
      $0.destroy(storeKey: storeKey, userKey: userKey, completion: $1)
    }
  }

  public func revokeAll(userKey: String, completion: @escaping (Result<[String], SessionError>) -> Void) {
    paired(
      route(userKey), .revokeAll, waitForBoth: true, merge: { Array(Set($0).union($1)).sorted() }, completion
    ) {
      $0.revokeAll(userKey: userKey, completion: $1)
    }
  }

  // MARK: Helpers

  /// A write whose primary (`to`) failed is done by `from`, which holds every session while
  /// writes are dual; never the other way round (`from` is the authority until `to` answers).
  func fallsBack<T>(_ route: MigrationRoute, _ result: Result<T, SessionError>) -> Bool {
    require == .primary && route.primary == .to && Self.unavailable(result)
  }

  /// An operation sent to both stores at once (touch, destroy, revoke-all). The primary's answer
  /// is used; with `require = "both"` (dual, split) a failure in either fails the call,
  /// otherwise the other store's result is only counted. `waitForBoth`: answer only once both
  /// answered (a logout must be in force in both stores before the client can reach another
  /// replica); otherwise (touch) at the primary's answer. `merge` combines two successes (the
  /// union of revoked keys). `drain` sends deletions to `from` as well; `touch` there goes to
  /// `to` alone.
  func paired<T>(
    _ route: MigrationRoute, _ operation: MigrationOperation, waitForBoth: Bool = false,
    merge: @escaping (T, T) -> T, _ completion: @escaping (Result<T, SessionError>) -> Void,
    _ body: @escaping (any SessionStore, @escaping (Result<T, SessionError>) -> Void) -> Void
  ) {
    switch route.secondary {
    case .none:
      return call(route.primary, operation, body, completion)
    case .drain where operation == .touch, .deletions where operation == .touch:
      return call(route.primary, operation, body, completion)
    case .background where !waitForBoth:
      call(route.primary, operation, body, completion)
      call(route.other, operation, body) { (_: Result<T, SessionError>) in }
      return
    case .background, .deletions, .drain, .mirrored:
      break
    }
    let both = PairedAnswers<T>()
    let strict = route.secondary == .mirrored && require == .both
    let settle = { [self] in
      guard !both.answered, let primary = both.primary else { return }
      if !strict && !waitForBoth, case .success = primary {
        both.answered = true
        return completion(primary)
      }
      guard let other = both.other else { return }
      both.answered = true
      switch (primary, other) {
      case (.success(let a), .success(let b)):
        completion(.success(merge(a, b)))
      case (.success, .failure):
        completion(strict ? other : primary)
      case (.failure, .success) where !strict && fallsBack(route, primary):
        metrics?.fellBack(.error)
        completion(other)
      case (.failure, _):
        completion(primary)
      }
    }
    call(route.primary, operation, body) {
      both.primary = $0
      settle()
    }
    call(route.other, operation, body) {
      both.other = $0
      settle()
    }
  }

  /// The other store follows a login the primary accepted: drops what the primary evicted and
  /// stores the new session without a cap of its own. `done(true)` when all of it succeeded (an
  /// already stored copy counts as success).
  func follow(
    _ role: MigrationStoreRole, evicted: [String], session: StoredSession, userKey: String, now: Int64,
    _ done: @escaping (Bool) -> Void
  ) {
    var pending = evicted.count + 1
    var succeeded = true
    let finish = { (ok: Bool) in
      succeeded = succeeded && ok
      pending -= 1
      if pending == 0 { done(succeeded) }
    }
    for key in evicted {
      call(role, .destroy, { $0.destroy(storeKey: key, userKey: userKey, completion: $1) }) {
        finish(!Self.unavailable($0))
      }
    }
    call(
      role, .create,
      { $0.create(session, userKey: userKey, limits: Self.followerLimits, now: now, completion: $1) }
    ) { (result: Result<CreateOutcome, SessionError>) in
      if case .failure(let error) = result, error.kind != .storeConflict { return finish(false) }
      finish(true)
    }
  }

  /// The other store replays a rotation; where it does not have the old session (not copied
  /// yet) it stores the new one, so the successor exists in both.
  func followRotation(
    _ role: MigrationStoreRole,
    _ body: @escaping (any SessionStore, @escaping (Result<RotateOutcome, SessionError>) -> Void) -> Void,
    newSession: StoredSession, userKey: String, now: Int64, _ done: @escaping (Bool) -> Void
  ) {
    call(role, .rotate, body) { [self] result in
      switch result {
      case .success(.notFound):
        call(
          role, .copy,
          { $0.create(newSession, userKey: userKey, limits: Self.followerLimits, now: now, completion: $1) }
        ) { (copied: Result<CreateOutcome, SessionError>) in
          if case .failure(let error) = copied, error.kind != .storeConflict { return done(false) }
          done(true)
        }
      case .success:
        done(true)
      case .failure:
        done(false)
      }
    }
  }
}

/// Two answers to one call sent to both stores, as they come. Loop-thread only.
final class PairedAnswers<T> {
  var primary: Result<T, SessionError>?
  var other: Result<T, SessionError>?
  var answered = false
}
