/// Where sessions live: session-level operations, each atomic in the store (one lock for the
/// memory store, one server-side script for Redis). Records cross this boundary sealed
/// (`StoredSession`), so a store never sees a plaintext record, a session id or a secret.
///
/// Keys: `storeKey` is `s:{tag}:<SHA-256(id) hex>` and `userKey` is `u:{tag}` (`SessionTicket`);
/// both share the hash tag, so every operation touches one Redis Cluster slot. The per-user index is
/// authoritative: a session is alive only while it is in its user's index with a future deadline.
///
/// Time: every operation takes the caller's `now` (wall-clock ns). The memory store decides with it;
/// a Redis store may use the server's `TIME` instead (one clock for all replicas).
///
/// Threading contract: call from a loop thread. `completion` runs exactly once, on the calling
/// thread: a store that answers later (Redis) calls it from the same loop, never from another
/// thread; a store that answers at once (`MemorySessionStore`) calls it synchronously, before the
/// method returns. Callers must therefore not assume either order (do not hold a lock across a call,
/// and do not assume the completion has already run). Completions are not `@Sendable` because they
/// may capture loop-confined connection state. Failures are `SessionError` with `.storeUnavailable`
/// (or `.storeConflict`); "not there" is an outcome, not an error.
public protocol SessionStore: AnyObject, Sendable {
  /// Stores a new session under `session.summary.storeKey` and adds it to `userKey`'s index with
  /// deadline `session.summary.expiresAt`, after dropping the user's expired sessions. If the user
  /// then has `limits.maxPerUser` or more live sessions: `.evictOldest` drops the least recently
  /// used (smallest deadline) until one slot is free and lists them in `.created(evicted:)`;
  /// `.rejectNew` answers `.rejectedLimitReached` and stores nothing.
  func create(
    _ session: StoredSession, userKey: String, limits: SessionLimits, now: Int64,
    completion: @escaping (Result<CreateOutcome, SessionError>) -> Void)

  /// The live session at `storeKey`, a forwarding (rotated away within the grace), or `.notFound`.
  func load(storeKey: String, now: Int64, completion: @escaping (Result<LoadOutcome, SessionError>) -> Void)

  /// `load(storeKey: ticket.storeKey, …)` for a caller holding the session's ticket (the request
  /// path). Most stores ignore the ticket (the default below); `MigratingSessionStore` unseals
  /// both stores' copies with it to compare them, and `MemorySessionStore` seals a record it keeps
  /// unsealed (as its own L1) with it. No store keeps it or sends it anywhere.
  func load(
    ticket: SessionTicket, now: Int64, completion: @escaping (Result<LoadOutcome, SessionError>) -> Void)

  /// Moves the session's deadline forward to `expiresAt` and its last access to `lastAccess`; never
  /// backwards (concurrent touches from several workers are safe and idempotent).
  func touch(
    storeKey: String, userKey: String, lastAccess: Int64, expiresAt: Int64, now: Int64,
    completion: @escaping (Result<TouchOutcome, SessionError>) -> Void)

  /// Replaces the live session at `oldKey` by `newSession` (at `newSession.summary.storeKey`, same
  /// user) and leaves at `oldKey` the forwarding record `forward` for `grace` ns. If `oldKey` is
  /// already a forwarding record (a concurrent rotation won), answers `.alreadyRotated` with the
  /// winner's key and forwarding record and stores nothing: concurrent rotations converge on ONE
  /// new session.
  func rotate(
    userKey: String, oldKey: String, newSession: StoredSession, forward: SealedRecord, grace: Int64,
    now: Int64,
    completion: @escaping (Result<RotateOutcome, SessionError>) -> Void)

  /// Removes the session (and nothing else: forwardings to it now lead to `.notFound`). Answers
  /// whether it existed.
  func destroy(storeKey: String, userKey: String, completion: @escaping (Result<Bool, SessionError>) -> Void)

  /// Removes every session of `userKey`; answers their store keys (for L1 invalidation).
  func revokeAll(userKey: String, completion: @escaping (Result<[String], SessionError>) -> Void)

  /// Summaries of `userKey`'s live sessions, least recently used first. Metadata only.
  func list(
    userKey: String, now: Int64, completion: @escaping (Result<[SessionSummary], SessionError>) -> Void)
}

extension SessionStore {
  public func load(
    ticket: SessionTicket, now: Int64, completion: @escaping (Result<LoadOutcome, SessionError>) -> Void
  ) {
    load(storeKey: ticket.storeKey, now: now, completion: completion)
  }
}
