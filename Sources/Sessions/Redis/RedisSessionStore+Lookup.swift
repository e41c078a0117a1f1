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
  /// ZSCORE index member; HMGET key t v c a e i u h n f (the fields `load` reads); TIME. The
  /// arguments that change per lookup are empty here and rewritten in place in
  /// `lookupCommands` (so a lookup allocates no argument arrays).
  static let lookupTemplate: [[[UInt8]]] = [
    ["ZSCORE", "", ""], ["HMGET", "", "t", "v", "c", "a", "e", "i", "u", "h", "n", "f"], ["TIME"],
  ].map { $0.map { Array($0.utf8) } }

  /// `storeKey`'s lookup; `.notFound` for a key without the store-key shape (as `load`).
  func lookup(
    on connection: RedisConnection, storeKey: String,
    _ completion: @escaping (Result<LoadOutcome, SessionError>) -> Void
  ) {
    guard fillLookupCommands(storeKey: storeKey) else {
      transport.loop.afterBatch { completion(.success(.notFound)) }
      return
    }
    connection.send(
      pipelined: lookupCommands, timeout: readDeadline,
      reader: RedisLookupReplies(store: self, storeKey: storeKey, completion: completion))
  }

  /// Writes `storeKey`'s arguments into `lookupCommands`, reusing their storage: the index key
  /// (`key(userKey(ofStoreKey:))`: prefix ‖ `u:{tag}` for `s:{tag}:…`), the member (the store
  /// key) and the record key (prefix ‖ store key). False when the key does not have that shape.
  private func fillLookupCommands(storeKey: String) -> Bool {
    var storeKey = storeKey  // `withUTF8` makes a bridged string native; ours already are (no copy)
    return storeKey.withUTF8 { fillLookupCommands(member: UnsafeRawBufferPointer($0)) }
  }

  private func fillLookupCommands(member: UnsafeRawBufferPointer) -> Bool {
    guard let close = Self.tagEnd(ofMember: member) else { return false }
    lookupCommands[0][1].removeAll(keepingCapacity: true)
    lookupCommands[0][1].append(contentsOf: prefixBytes)
    lookupCommands[0][1].append(UInt8(ascii: "u"))
    lookupCommands[0][1].append(contentsOf: member[1...close])
    lookupCommands[0][2].removeAll(keepingCapacity: true)
    lookupCommands[0][2].append(contentsOf: member)
    lookupCommands[1][1].removeAll(keepingCapacity: true)
    lookupCommands[1][1].append(contentsOf: prefixBytes)
    lookupCommands[1][1].append(contentsOf: member)
    return true
  }

  /// The index of the `}` closing the hash tag of `s:{tag}:…`; nil for another shape.
  static func tagEnd(ofMember member: UnsafeRawBufferPointer) -> Int? {
    guard member.count > 4, member[0] == UInt8(ascii: "s"), member[1] == UInt8(ascii: ":"),
      member[2] == UInt8(ascii: "{"), let close = member.firstIndex(of: UInt8(ascii: "}")),
      close + 1 < member.count, member[close + 1] == UInt8(ascii: ":")
    else { return nil }
    return close
  }

  /// `key(userKey(ofStoreKey:))` from the store key's bytes, without the strings in between:
  /// prefix ‖ `u:{tag}` for `s:{tag}:…`; nil when the key does not have that shape.
  func indexKey(ofMember member: [UInt8]) -> [UInt8]? {
    member.withUnsafeBytes { member in
      guard let close = Self.tagEnd(ofMember: member) else { return nil }
      var index: [UInt8] = []
      index.reserveCapacity(prefixBytes.count + close + 1)
      index.append(contentsOf: prefixBytes)
      index.append(UInt8(ascii: "u"))
      index.append(contentsOf: member[1...close])
      return index
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
