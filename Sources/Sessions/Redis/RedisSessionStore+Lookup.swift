/// The session lookup without a script, on a single connection (one Redis, or a Sentinel's
/// master): `ZSCORE index member`, `HMGET key …` and `TIME` pipelined in one write, answered
/// together (docs/redis.md §7 "load"). It answers exactly what the `load` script answers, for a
/// fraction of Redis' time per lookup (no Lua call), which is what the L1-off path pays on
/// every request.
///
/// Without the script the three commands are not atomic: another client's command may run
/// between them. The order makes every interleaving answer what the script would have answered
/// just before or just after it: the index member is read first, so a rotation in between shows
/// its forwarding record (`forwarded`, the script's answer after it), and a revocation or an
/// eviction in between has deleted the key (`notFound`, its answer after it). `TIME` comes last,
/// so a deadline is never judged against a clock older than the index read. The commands are
/// written straight into the connection's encoder (`RedisLookupCommands`) and the replies read
/// in place (`RedisLookupReplies`, also the completion): no argument arrays, no `RedisReply`
/// trees, no closure per lookup.
extension RedisSessionStore {
  /// `storeKey`'s lookup; `.notFound` for a key without the store-key shape (as `load`).
  func lookup(
    on connection: RedisConnection, storeKey: String,
    _ completion: @escaping (Result<LoadOutcome, SessionError>) -> Void
  ) {
    guard let commands = RedisLookupCommands(prefix: prefixBytes, storeKey: storeKey) else {
      transport.loop.afterBatch { completion(.success(.notFound)) }
      return
    }
    connection.send(
      group: commands, timeout: readDeadline,
      box: RedisLookupReplies(store: self, storeKey: storeKey, completion: completion))
  }

  /// The `load` script's decision over {ZSCORE, HMGET, TIME}; nil for replies of the wrong shape.
  static func lookupOutcome(storeKey: String, _ replies: RedisLookupReplies) -> Result<
    LoadOutcome, SessionError
  >? {
    guard replies.wellFormed, let now = replies.serverMicros else { return nil }
    switch replies.type {
    case UInt8(ascii: "f"):
      guard let successor = replies.successor, let forward = replies.forward else { return nil }
      return forward.map { .forwarded(newStoreKey: successor, forward: $0) }
    case UInt8(ascii: "s"):
      break
    default:
      return .success(.notFound)
    }
    // The script's `not score or tonumber(score) <= nowus()`, in the same (double) arithmetic.
    guard let score = replies.score, score > now else { return .success(.notFound) }
    guard let sealedBytes = replies.sealed, let created = replies.created,
      let lastAccess = replies.lastAccess,
      let expiresAt = replies.expiresAt, let ip = replies.ip, let userAgent = replies.userAgent,
      let hash = replies.hash
    else { return nil }
    let summary = SessionSummary(
      storeKey: storeKey, hash: hash, created: created, lastAccess: lastAccess, expiresAt: expiresAt,
      ipPrefix: ip, userAgent: userAgent)
    return sealedBytes.map { .found(StoredSession(sealed: $0, summary: summary)) }
  }
}
