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
/// so a deadline is never judged against a clock older than the index read. The replies are
/// read in place (`RedisLookupReplies`), not copied into `RedisReply` trees.
extension RedisSessionStore {
  private static let zscore = Array("ZSCORE".utf8)
  private static let time = [Array("TIME".utf8)]
  /// HMGET and the fields `load` reads: t, v, c, a, e, i, u, h, n, f.
  private static let hmgetFields: [[UInt8]] = ["HMGET", "", "t", "v", "c", "a", "e", "i", "u", "h", "n", "f"]
    .map { Array($0.utf8) }

  /// `storeKey`'s lookup; `.notFound` for a key without the store-key shape (as `load`).
  func lookup(
    on connection: RedisConnection, storeKey: String,
    _ completion: @escaping (Result<LoadOutcome, SessionError>) -> Void
  ) {
    let member = Array(storeKey.utf8)
    guard let index = indexKey(ofMember: member) else {
      transport.loop.afterBatch { completion(.success(.notFound)) }
      return
    }
    lookup(on: connection, storeKey: storeKey, index: index, member: member, completion)
  }

  /// `key(userKey(ofStoreKey:))` from the store key's bytes, without the strings in between:
  /// prefix ‖ `u:{tag}` for `s:{tag}:…`; nil when the key does not have that shape.
  func indexKey(ofMember member: [UInt8]) -> [UInt8]? {
    guard member.count > 4, member[0] == UInt8(ascii: "s"), member[1] == UInt8(ascii: ":"),
      member[2] == UInt8(ascii: "{"), let close = member.firstIndex(of: UInt8(ascii: "}")),
      close + 1 < member.count, member[close + 1] == UInt8(ascii: ":")
    else { return nil }
    var index: [UInt8] = []
    index.reserveCapacity(prefixBytes.count + close + 1)
    index.append(contentsOf: prefixBytes)
    index.append(UInt8(ascii: "u"))
    index.append(contentsOf: member[1...close])
    return index
  }

  private func lookup(
    on connection: RedisConnection, storeKey: String, index: [UInt8], member: [UInt8],
    _ completion: @escaping (Result<LoadOutcome, SessionError>) -> Void
  ) {
    var hmget = Self.hmgetFields
    hmget[1] = prefixBytes + member
    let replies = RedisLookupReplies()
    connection.send(
      pipelined: [[Self.zscore, index, member], hmget, Self.time], timeout: readDeadline, reader: replies
    ) { [weak self] result in
      self?.onLoad?(.master)
      switch result {
      case .success:
        completion(
          Self.lookupOutcome(storeKey: storeKey, replies)
            ?? .failure(SessionError(.storeUnavailable, "unexpected redis reply")))
      case .failure(let error):
        completion(.failure(SessionError(.storeUnavailable, error.description)))
      }
    }
  }

  /// The `load` script's decision over {ZSCORE, HMGET, TIME}; nil for replies of the wrong shape.
  static func lookupOutcome(storeKey: String, _ replies: RedisLookupReplies) -> Result<
    LoadOutcome, SessionError
  >? {
    guard replies.wellFormed, let now = replies.serverMicros else { return nil }
    switch replies.type {
    case UInt8(ascii: "f"):
      guard let successor = replies.successor, let forward = replies.forward else { return nil }
      return sealed(forward).map { $0.map { .forwarded(newStoreKey: successor, forward: $0) } }
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
    return sealed(sealedBytes).map { $0.map { .found(StoredSession(sealed: $0, summary: summary)) } }
  }
}
