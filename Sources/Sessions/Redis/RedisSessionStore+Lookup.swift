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
/// so a deadline is never judged against a clock older than the index read.
extension RedisSessionStore {
  private static let zscore = Array("ZSCORE".utf8)
  private static let time = [Array("TIME".utf8)]
  /// HMGET and the fields `load` reads: t, v, c, a, e, i, u, h, n, f.
  private static let hmgetFields: [[UInt8]] = ["HMGET", "", "t", "v", "c", "a", "e", "i", "u", "h", "n", "f"]
    .map { Array($0.utf8) }

  func lookup(
    on connection: RedisConnection, storeKey: String, index: [UInt8], member: [UInt8],
    _ completion: @escaping (Result<LoadOutcome, SessionError>) -> Void
  ) {
    var hmget = Self.hmgetFields
    hmget[1] = prefixBytes + member
    connection.send(pipelined: [[Self.zscore, index, member], hmget, Self.time], timeout: readDeadline) {
      [weak self] result in
      self?.onLoad?(.master)
      switch result {
      case .success(let reply):
        completion(
          Self.lookupOutcome(storeKey: storeKey, reply)
            ?? .failure(SessionError(.storeUnavailable, "unexpected redis reply")))
      case .failure(let error):
        completion(.failure(SessionError(.storeUnavailable, error.description)))
      }
    }
  }

  /// The `load` script's decision over {ZSCORE, HMGET, TIME}; nil for replies of the wrong shape.
  static func lookupOutcome(storeKey: String, _ reply: RedisReply) -> Result<LoadOutcome, SessionError>? {
    guard case .array(let replies) = reply, replies.count == 3, case .array(let fields) = replies[1],
      fields.count == 10, case .array(let time) = replies[2], time.count == 2
    else { return nil }
    switch fields[0] {
    case .bulk(let type) where type == [UInt8(ascii: "f")]:
      guard let newKey = fields[8].bytes, let forward = fields[9].bytes else { return nil }
      return sealed(forward).map {
        $0.map { .forwarded(newStoreKey: String(decoding: newKey, as: UTF8.self), forward: $0) }
      }
    case .bulk(let type) where type == [UInt8(ascii: "s")]:
      break
    default:
      return .success(.notFound)
    }
    guard case .bulk(let scoreBytes) = replies[0] else { return .success(.notFound) }
    guard let score = Double(String(decoding: scoreBytes, as: UTF8.self)),
      let seconds = time[0].bytes.flatMap(parseDecimal), let micros = time[1].bytes.flatMap(parseDecimal)
    else { return nil }
    // The script's `tonumber(score) <= nowus()`, in the same (double) arithmetic.
    guard score > Double(seconds) * 1_000_000 + Double(micros) else { return .success(.notFound) }
    return session(storeKey: storeKey, fields[1..<8]).map { $0.map { .found($0) } }
  }
}
