import Sessions

@testable import Proxy

/// The memory store, with every answer held until the test releases it (as Redis answers later,
/// on the loop). Loop-thread only (tests).
final class HeldSessionStore: SessionStore, @unchecked Sendable {
  private let store = MemorySessionStore()
  private var held: [() -> Void] = []

  var waiting: Int { held.count }

  /// Delivers the oldest held answer.
  func release() {
    held.removeFirst()()
  }

  private func hold<T>(_ completion: @escaping (T) -> Void) -> (T) -> Void {
    { [self] value in held.append { completion(value) } }
  }

  func create(
    _ session: StoredSession, userKey: String, limits: SessionLimits, now: Int64,
    completion: @escaping (Result<CreateOutcome, SessionError>) -> Void
  ) {
    store.create(session, userKey: userKey, limits: limits, now: now, completion: hold(completion))
  }

  func load(storeKey: String, now: Int64, completion: @escaping (Result<LoadOutcome, SessionError>) -> Void) {
    store.load(storeKey: storeKey, now: now, completion: hold(completion))
  }

  func touch(
    storeKey: String, userKey: String, lastAccess: Int64, expiresAt: Int64, now: Int64,
    completion: @escaping (Result<TouchOutcome, SessionError>) -> Void
  ) {
    store.touch(
      storeKey: storeKey, userKey: userKey, lastAccess: lastAccess, expiresAt: expiresAt, now: now,
      completion: hold(completion))
  }

  func rotate(
    userKey: String, oldKey: String, newSession: StoredSession, forward: SealedRecord, grace: Int64,
    now: Int64,
    completion: @escaping (Result<RotateOutcome, SessionError>) -> Void
  ) {
    store.rotate(
      userKey: userKey, oldKey: oldKey, newSession: newSession, forward: forward, grace: grace, now: now,
      completion: hold(completion))
  }

  func destroy(storeKey: String, userKey: String, completion: @escaping (Result<Bool, SessionError>) -> Void)
  {
    store.destroy(storeKey: storeKey, userKey: userKey, completion: hold(completion))
  }

  func revokeAll(userKey: String, completion: @escaping (Result<[String], SessionError>) -> Void) {
    store.revokeAll(userKey: userKey, completion: hold(completion))
  }

  func list(
    userKey: String, now: Int64, completion: @escaping (Result<[SessionSummary], SessionError>) -> Void
  ) {
    store.list(userKey: userKey, now: now, completion: hold(completion))
  }
}
