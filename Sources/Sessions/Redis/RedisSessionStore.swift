/// The shared session store: Redis, one atomic Lua script per operation (`RedisSessionScripts`
/// describes the data model), run with `EVALSHA` and re-sent with `EVAL` on `NOSCRIPT`, over any
/// `RedisScriptTransport`: one connection (single Redis, Sentinel), a master with a replica, or
/// a Redis Cluster (every script touches one user's keys, which share one hash slot).
///
/// Threading: loop-thread only. One store per worker, over that worker's transport, and called
/// only on that transport's loop; every completion runs exactly once on that loop, never inside
/// the call (the transports defer even their fast failures). `@unchecked Sendable` only because
/// `SessionStore` requires `Sendable`: do not share an instance across loops.
///
/// Replica reads (`readFrom: .replicaPreferred` on a transport with replicas): `load`, the only
/// read-only operation on the request path, asks a replica first with `replicaTimeout`; a
/// replica that answers "not found", fails or is late is followed by the same load on the master
/// (full `commandTimeout`), so a session created a moment ago on the master is never refused
/// because replication lags. Every other operation goes to the master. `onLoad` reports which
/// path answered (metrics).
///
/// What Redis sees: sealed bytes and the summary (metadata: times, ip prefix, UA summary, log
/// hash). Never a ticket, session id, secret, user id or plaintext record: keys are built from
/// the id's SHA-256 and a keyed hash of the user id.
///
/// Time, and how it differs from `MemorySessionStore`:
/// - Liveness uses the Redis server clock (`TIME` inside the scripts), not the caller's `now`:
///   a session's server deadline is `TIME + (expiresAt − now)` at create / touch / rotate, so
///   replicas with skewed clocks agree. `now` is used only for that difference and for the touch
///   throttle. The summaries keep the caller's `created` / `lastAccess` / `expiresAt` as given.
/// - `touch` writes at most once per `touchThrottle` (caller clock) per session across all
///   replicas: when the stored `lastAccess` is newer than `now − touchThrottle` it answers
///   `.unchanged` without writing, even if the request would have moved the deadline.
/// - Deadlines have µs resolution in the index and ms resolution in key TTLs (rounded up).
/// - A grace `<= 0` leaves no forwarding record.
/// - `destroy` answers true for a session still in the user's index even if its deadline passed
///   a moment ago (like the memory store before its purge).
///
/// Errors: every `RedisError` (disconnected, timeout, overloaded, error reply) and any reply of
/// an unexpected shape become `SessionError(.storeUnavailable)`; a value that is not a sealed
/// record becomes `.malformedRecord`; an existing key at create / rotate `.storeConflict`.
public final class RedisSessionStore: SessionStore, @unchecked Sendable {
  public let transport: any RedisScriptTransport
  /// Put before every key (`<prefix>s:{tag}:…`, `<prefix>u:{tag}`). Must not contain `{`: the
  /// first `{…}` of a key is its Cluster hash tag, and a user's keys must share theirs.
  public let keyPrefix: String
  /// Per-script deadline (ns); nil = the connection's `commandTimeout`.
  public let commandTimeout: UInt64?
  /// Deadlines per direction (ns; docs/operations.md §9): lookups (`load`, `list`) and writes
  /// (every other script). Nil: `commandTimeout`. May change between calls (a reload).
  /// `@exclusivity(unchecked)` (with `onLoad`): loop-thread only and read on every lookup,
  /// never across a call (docs/performance.md, "Session from Redis, round 7").
  @exclusivity(unchecked) public var readTimeout: UInt64?
  @exclusivity(unchecked) public var writeTimeout: UInt64?
  var readDeadline: UInt64? { readTimeout ?? commandTimeout }
  private var writeDeadline: UInt64? { writeTimeout ?? commandTimeout }
  /// Minimum time (ns, caller clock) between two touches of one session that write.
  public let touchThrottle: Int64
  /// Where `load` reads from.
  public let readFrom: RedisReadFrom
  /// Deadline (ns) of a load sent to a replica before it is retried on the master.
  public let replicaTimeout: UInt64
  /// Durable writes (docs/operations.md §6): after a create or a rotation, `WAIT` for this many
  /// replicas (0 = off) for at most `replicaAckTimeout` (ns); a write fewer acknowledged is
  /// answered `.storeUnavailable`, so no cookie is handed out for a session a failover can lose.
  public var minReplicasAcked = 0
  public var replicaAckTimeout: UInt64 = 20_000_000
  /// Which path answered each `load` (called just before its completion).
  @exclusivity(unchecked) public var onLoad: ((RedisLoadPath) -> Void)?
  let prefixBytes: [UInt8]
  /// The transport when it is one plain connection: lookups there skip the script
  /// (`lookup(on:)`, `RedisSessionStore+Lookup.swift`). Cluster and replica transports route
  /// (and redirect) per script, so they keep it.
  private let lookupConnection: RedisConnection?

  public init(
    transport: any RedisScriptTransport, keyPrefix: String = "gh:", commandTimeout: UInt64? = nil,
    touchThrottle: Int64 = 1_000_000_000, readFrom: RedisReadFrom = .master, replicaTimeout: UInt64? = nil
  ) {
    self.transport = transport
    self.keyPrefix = keyPrefix
    self.commandTimeout = commandTimeout
    self.touchThrottle = touchThrottle
    self.readFrom = readFrom
    self.replicaTimeout = replicaTimeout ?? max((commandTimeout ?? 50_000_000) / 2, 1_000_000)
    self.prefixBytes = Array(keyPrefix.utf8)
    self.lookupConnection = transport as? RedisConnection
  }

  public convenience init(
    connection: RedisConnection, keyPrefix: String = "gh:", commandTimeout: UInt64? = nil,
    touchThrottle: Int64 = 1_000_000_000
  ) {
    self.init(
      transport: connection, keyPrefix: keyPrefix, commandTimeout: commandTimeout,
      touchThrottle: touchThrottle)
  }

  /// True while the transport reaches its master(s).
  public var isAvailable: Bool { transport.isAvailable }

  // MARK: SessionStore

  public func create(
    _ session: StoredSession, userKey: String, limits: SessionLimits, now: Int64,
    completion: @escaping (Result<CreateOutcome, SessionError>) -> Void
  ) {
    let storeKey = session.summary.storeKey
    var args: [[UInt8]] = [
      Array(storeKey.utf8), Self.decimal(Self.ttlMicros(session.summary.expiresAt, now)),
      Self.decimal(Int64(max(limits.maxPerUser, 0))),
      limits.onLimit == .rejectNew ? [UInt8(ascii: "r")] : [UInt8(ascii: "e")], prefixBytes,
    ]
    Self.appendFields(session, to: &args)
    let routing = key(userKey)
    let durable: (Result<CreateOutcome, SessionError>) -> Void = { [weak self] result in
      guard let self, case .success(.created) = result else { return completion(result) }
      self.acknowledge(result, key: routing, completion)
    }
    run(RedisSessionScripts.create, keys: [routing, key(storeKey)], args: args, durable) { reply in
      guard let items = reply.array, let code = items.first?.integer else { return nil }
      switch code {
      case -1: return .failure(SessionError(.storeConflict, "store key exists"))
      case 0: return .success(.rejectedLimitReached)
      case 1:
        var evicted: [String] = []
        for item in items.dropFirst() {
          guard let bytes = item.bytes else { return nil }
          evicted.append(String(decoding: bytes, as: UTF8.self))
        }
        return .success(.created(evicted: evicted))
      default: return nil
      }
    }
  }

  public func load(
    storeKey: String, now: Int64, completion: @escaping (Result<LoadOutcome, SessionError>) -> Void
  ) {
    if let lookupConnection {
      lookup(on: lookupConnection, storeKey: storeKey, completion)
      return
    }
    guard let userKey = Self.userKey(ofStoreKey: storeKey) else {
      transport.loop.afterBatch { completion(.success(.notFound)) }
      return
    }
    let keys = [key(userKey), key(storeKey)]
    let args = [Array(storeKey.utf8)]
    guard readFrom == .replicaPreferred && transport.hasReplicas else {
      load(storeKey, keys, args, on: .master, timeout: readDeadline, reporting: .master, completion)
      return
    }
    load(storeKey, keys, args, on: .replica, timeout: replicaTimeout, reporting: nil) { [weak self] result in
      guard let self else { return }
      let fallback: RedisLoadPath
      switch result {
      case .success(.notFound): fallback = .masterAfterReplicaMiss
      case .failure(let error) where error.kind == .storeUnavailable: fallback = .masterAfterReplicaFailure
      default:
        self.onLoad?(.replica)
        completion(result)
        return
      }
      self.load(
        storeKey, keys, args, on: .master, timeout: self.readDeadline, reporting: fallback, completion)
    }
  }

  private func load(
    _ storeKey: String, _ keys: [[UInt8]], _ args: [[UInt8]], on target: RedisReadTarget, timeout: UInt64?,
    reporting path: RedisLoadPath?, _ completion: @escaping (Result<LoadOutcome, SessionError>) -> Void
  ) {
    run(
      RedisSessionScripts.load, keys: keys, args: args, on: target, timeout: timeout, reporting: path,
      completion
    ) { reply in
      guard let items = reply.array, let code = items.first?.integer else { return nil }
      switch code {
      case 0: return .success(.notFound)
      case 1:
        return Self.session(storeKey: storeKey, items.dropFirst()).map { $0.map { .found($0) } }
      case 2:
        guard items.count == 3, let newKey = items[1].bytes, let forward = items[2].bytes else { return nil }
        return Self.sealed(forward).map {
          $0.map { .forwarded(newStoreKey: String(decoding: newKey, as: UTF8.self), forward: $0) }
        }
      default: return nil
      }
    }
  }

  public func touch(
    storeKey: String, userKey: String, lastAccess: Int64, expiresAt: Int64, now: Int64,
    completion: @escaping (Result<TouchOutcome, SessionError>) -> Void
  ) {
    let args: [[UInt8]] = [
      Array(storeKey.utf8), Self.decimal(lastAccess), Self.decimal(expiresAt),
      Self.decimal(Self.ttlMicros(expiresAt, now)), Self.decimal(Self.saturatingSubtract(now, touchThrottle)),
    ]
    run(RedisSessionScripts.touch, keys: [key(userKey), key(storeKey)], args: args, completion) { reply in
      switch reply.integer {
      case 0?: .success(.notFound)
      case 1?: .success(.unchanged)
      case 2?: .success(.touched)
      default: nil
      }
    }
  }

  public func rotate(
    userKey: String, oldKey: String, newSession: StoredSession, forward: SealedRecord, grace: Int64,
    now: Int64,
    completion: @escaping (Result<RotateOutcome, SessionError>) -> Void
  ) {
    let newKey = newSession.summary.storeKey
    let graceMillis = grace <= 0 ? 0 : grace / 1_000_000 + (grace % 1_000_000 == 0 ? 0 : 1)
    var args: [[UInt8]] = [
      Array(oldKey.utf8), Array(newKey.utf8), Self.decimal(Self.ttlMicros(newSession.summary.expiresAt, now)),
      Self.decimal(graceMillis), forward.bytes,
    ]
    Self.appendFields(newSession, to: &args)
    let routing = key(userKey)
    let durable: (Result<RotateOutcome, SessionError>) -> Void = { [weak self] result in
      guard let self, case .success(.rotated) = result else { return completion(result) }
      self.acknowledge(result, key: routing, completion)
    }
    run(
      RedisSessionScripts.rotate, keys: [routing, key(oldKey), key(newKey)], args: args, durable
    ) { reply in
      guard let items = reply.array, let code = items.first?.integer else { return nil }
      switch code {
      case -1: return .failure(SessionError(.storeConflict, "store key exists"))
      case 0: return .success(.notFound)
      case 1: return .success(.rotated)
      case 2:
        guard items.count == 3, let winner = items[1].bytes, let record = items[2].bytes else { return nil }
        return Self.sealed(record).map {
          $0.map { .alreadyRotated(newStoreKey: String(decoding: winner, as: UTF8.self), forward: $0) }
        }
      default: return nil
      }
    }
  }

  public func destroy(
    storeKey: String, userKey: String, completion: @escaping (Result<Bool, SessionError>) -> Void
  ) {
    run(
      RedisSessionScripts.destroy, keys: [key(userKey), key(storeKey)], args: [Array(storeKey.utf8)],
      completion
    ) { reply in
      switch reply.integer {
      case 0?: .success(false)
      case 1?: .success(true)
      default: nil
      }
    }
  }

  public func revokeAll(userKey: String, completion: @escaping (Result<[String], SessionError>) -> Void) {
    run(RedisSessionScripts.revokeAll, keys: [key(userKey)], args: [prefixBytes], completion) { reply in
      guard let items = reply.array else { return nil }
      var keys: [String] = []
      for item in items {
        guard let bytes = item.bytes else { return nil }
        keys.append(String(decoding: bytes, as: UTF8.self))
      }
      return .success(keys)
    }
  }

  public func list(
    userKey: String, now: Int64, completion: @escaping (Result<[SessionSummary], SessionError>) -> Void
  ) {
    run(
      RedisSessionScripts.list, keys: [key(userKey)], args: [prefixBytes], timeout: readDeadline, completion
    ) {
      reply in
      guard let items = reply.array, items.count % 7 == 0 else { return nil }
      var out: [SessionSummary] = []
      var i = 0
      while i < items.count {
        guard let keyBytes = items[i].bytes,
          let summary = Self.summary(
            storeKey: String(decoding: keyBytes, as: UTF8.self), items[(i + 1)..<(i + 7)])
        else { return nil }
        out.append(summary)
        i += 7
      }
      return .success(out)
    }
  }

  // MARK: Plumbing

  /// Runs `script`; `decode` turns the reply into the answer, nil for a reply of the wrong shape.
  /// `reporting`: the path `onLoad` is told just before the completion (lookups only).
  func run<T>(
    _ script: RedisScript, keys: [[UInt8]], args: [[UInt8]], on target: RedisReadTarget = .master,
    timeout: UInt64? = nil, reporting path: RedisLoadPath? = nil,
    _ completion: @escaping (Result<T, SessionError>) -> Void,
    decode: @escaping (RedisReply) -> Result<T, SessionError>?
  ) {
    transport.run(script, keys: keys, args: args, on: target, timeout: timeout ?? writeDeadline) {
      [weak self] result in
      if let path { self?.onLoad?(path) }
      switch result {
      case .success(let reply):
        completion(decode(reply) ?? .failure(SessionError(.storeUnavailable, "unexpected redis reply")))
      case .failure(let error):
        completion(.failure(SessionError(.storeUnavailable, error.description)))
      }
    }
  }

  func key(_ name: String) -> [UInt8] { prefixBytes + Array(name.utf8) }

  /// Passes `written` on once `minReplicasAcked` replicas acknowledged it (at once when off).
  private func acknowledge<T>(
    _ written: Result<T, SessionError>, key: [UInt8],
    _ completion: @escaping (Result<T, SessionError>) -> Void
  ) {
    guard minReplicasAcked > 0 else { return completion(written) }
    let needed = minReplicasAcked
    let millis = Int(max(replicaAckTimeout / 1_000_000, 1))
    let deadline = (writeDeadline ?? 50_000_000) &+ replicaAckTimeout
    transport.waitForReplicas(needed, timeoutMillis: millis, key: key, timeout: deadline) { result in
      switch result {
      case .success(let acknowledged) where acknowledged >= needed:
        completion(written)
      case .success(let acknowledged):
        completion(
          .failure(
            SessionError(.storeUnavailable, "write acknowledged by \(acknowledged) of \(needed) replicas")))
      case .failure(let error):
        completion(.failure(SessionError(.storeUnavailable, "WAIT: \(error.description)")))
      }
    }
  }
}
