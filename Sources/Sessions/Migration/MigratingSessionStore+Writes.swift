/// The writes of `MigratingSessionStore` (rules in its doc comment and docs/migration.md §2).
extension MigratingSessionStore {
  public func create(
    _ session: StoredSession, userKey: String, limits: SessionLimits, now: Int64,
    completion: @escaping (Result<CreateOutcome, SessionError>) -> Void
  ) {
    afterOwedDeletions(userKey) { [self] in
      createNow(session, userKey: userKey, limits: limits, now: now, completion: completion)
    }
  }

  private func createNow(
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
        follow(route, evicted: evicted, session: session, userKey: userKey, now: now) { _ in
          completion(result)
        }
      case (.mirrored, .success(.created(let evicted))):
        follow(route, evicted: evicted, session: session, userKey: userKey, now: now) { [self] ok in
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
          if case .success(let outcome) = fallback {
            metrics?.fellBack(.error)
            // What the cap evicted in `from` may still be live in the primary.
            if case .created(let evicted) = outcome {
              for key in evicted { owe(route.primary, storeKey: key, userKey: userKey, route) }
            }
          }
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
    afterOwedDeletions(userKey) { [self] in
      rotateNow(
        userKey: userKey, oldKey: oldKey, newSession: newSession, forward: forward, grace: grace, now: now,
        completion: completion)
    }
  }

  private func rotateNow(
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
          [self] (destroyed: Result<Bool, SessionError>) in
          if Self.unavailable(destroyed) { owe(.from, storeKey: oldKey, userKey: userKey, route) }
          completion(result)
        }
      case (.background, .success(.rotated)), (.deletions, .success(.rotated)):
        followRotation(route, body, oldKey: oldKey, newSession: newSession, userKey: userKey, now: now) { _ in
          completion(result)
        }
      case (.mirrored, .success(.rotated)):
        followRotation(route, body, oldKey: oldKey, newSession: newSession, userKey: userKey, now: now) {
          [self] ok in
          guard require == .both else { return completion(result) }
          completion(
            ok
              ? result
              : .failure(SessionError(.storeUnavailable, "\(route.other) store refused the rotation")))
        }
      case (.mirrored, .failure) where fallsBack(route, result):
        call(route.other, .rotate, body) { [self] fallback in
          if case .success = fallback {
            metrics?.fellBack(.error)
            // The primary may still hold the old session live.
            owe(route.primary, storeKey: oldKey, userKey: userKey, route)
          }
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
    let route = route(userKey)
    paired(
      route, .destroy, waitForBoth: true, merge: { $0 || $1 },
      missed: { [self] role, _ in owe(role, storeKey: storeKey, userKey: userKey, route) }, completion
    ) {
      $0.destroy(storeKey: storeKey, userKey: userKey, completion: $1)
    }
  }

  public func revokeAll(userKey: String, completion: @escaping (Result<[String], SessionError>) -> Void) {
    let route = route(userKey)
    paired(
      route, .revokeAll, waitForBoth: true, merge: { Array(Set($0).union($1)).sorted() },
      missed: { [self] role, revokedByOther in
        for key in revokedByOther ?? [] { owe(role, storeKey: key, userKey: userKey, route) }
      }, completion
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
    merge: @escaping (T, T) -> T, missed: ((MigrationStoreRole, T?) -> Void)? = nil,
    _ completion: @escaping (Result<T, SessionError>) -> Void,
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
      if let missed {
        // A store that was unavailable still holds what the other deleted (owed deletions).
        if Self.unavailable(primary) { missed(route.primary, try? other.get()) }
        if Self.unavailable(other) { missed(route.other, try? primary.get()) }
      }
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
    _ route: MigrationRoute, evicted: [String], session: StoredSession, userKey: String, now: Int64,
    _ done: @escaping (Bool) -> Void
  ) {
    let role = route.other
    var pending = evicted.count + 1
    var succeeded = true
    let finish = { (ok: Bool) in
      succeeded = succeeded && ok
      pending -= 1
      if pending == 0 { done(succeeded) }
    }
    for key in evicted {
      call(role, .destroy, { $0.destroy(storeKey: key, userKey: userKey, completion: $1) }) { [self] in
        let missed = Self.unavailable($0)
        if missed { owe(role, storeKey: key, userKey: userKey, route) }
        finish(!missed)
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
    _ route: MigrationRoute,
    _ body: @escaping (any SessionStore, @escaping (Result<RotateOutcome, SessionError>) -> Void) -> Void,
    oldKey: String, newSession: StoredSession, userKey: String, now: Int64, _ done: @escaping (Bool) -> Void
  ) {
    let role = route.other
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
      case .failure(let error):
        // Not rotated there: the old session may still be live in that store.
        if error.kind == .storeUnavailable { owe(role, storeKey: oldKey, userKey: userKey, route) }
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
