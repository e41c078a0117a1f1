// TEMPORARY stub of the redisstore branch's API; deleted once that branch is merged.
public final class RedisSessionStore: SessionStore, @unchecked Sendable {
  let connection: RedisConnection
  public init(connection: RedisConnection, keyPrefix: String = "gh:", commandTimeout: UInt64? = nil) {
    self.connection = connection
  }
  public var isAvailable: Bool { connection.isReady }
  private func fail<T>(_ completion: @escaping (Result<T, SessionError>) -> Void) {
    connection.loop.afterBatch { completion(.failure(SessionError(.storeUnavailable, "stub"))) }
  }
  public func create(
    _ session: StoredSession, userKey: String, limits: SessionLimits, now: Int64,
    completion: @escaping (Result<CreateOutcome, SessionError>) -> Void
  ) { fail(completion) }
  public func load(storeKey: String, now: Int64, completion: @escaping (Result<LoadOutcome, SessionError>) -> Void)
  { fail(completion) }
  public func touch(
    storeKey: String, userKey: String, lastAccess: Int64, expiresAt: Int64, now: Int64,
    completion: @escaping (Result<TouchOutcome, SessionError>) -> Void
  ) { fail(completion) }
  public func rotate(
    userKey: String, oldKey: String, newSession: StoredSession, forward: SealedRecord, grace: Int64,
    now: Int64, completion: @escaping (Result<RotateOutcome, SessionError>) -> Void
  ) { fail(completion) }
  public func destroy(storeKey: String, userKey: String, completion: @escaping (Result<Bool, SessionError>) -> Void)
  { fail(completion) }
  public func revokeAll(userKey: String, completion: @escaping (Result<[String], SessionError>) -> Void) {
    fail(completion)
  }
  public func list(
    userKey: String, now: Int64, completion: @escaping (Result<[SessionSummary], SessionError>) -> Void
  ) { fail(completion) }
}
