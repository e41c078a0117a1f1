/// The backfill's resume point in the target Redis: one hash `<prefix>migration:backfill` with
/// the cursor and the source it belongs to, through the target store's transport (single,
/// Sentinel or cluster alike). Loop-thread only.
public final class RedisBackfillCheckpoint: BackfillCheckpoint {
  let transport: any RedisScriptTransport
  let key: [UInt8]
  let timeout: UInt64?

  public init(transport: any RedisScriptTransport, keyPrefix: String, timeout: UInt64? = nil) {
    self.transport = transport
    self.key = Array((keyPrefix + "migration:backfill").utf8)
    self.timeout = timeout
  }

  static let read = RedisScript("return redis.call('HMGET', KEYS[1], 'cursor', 'source')")
  static let write = RedisScript("return redis.call('HSET', KEYS[1], 'cursor', ARGV[1], 'source', ARGV[2])")
  static let delete = RedisScript("return redis.call('DEL', KEYS[1])")

  public func load(source: String, completion: @escaping (Result<String?, SessionError>) -> Void) {
    transport.run(Self.read, keys: [key], args: [], on: .master, timeout: timeout) { result in
      switch result {
      case .failure(let error): completion(.failure(SessionError(.storeUnavailable, error.description)))
      case .success(let reply):
        guard let items = reply.array, items.count == 2 else {
          return completion(.failure(SessionError(.storeUnavailable, "unexpected HMGET reply")))
        }
        completion(.success(items[1].string == source ? items[0].string : nil))
      }
    }
  }

  public func save(cursor: String, source: String, completion: @escaping (Result<Void, SessionError>) -> Void)
  {
    run(Self.write, [cursor, source], completion)
  }

  public func clear(completion: @escaping (Result<Void, SessionError>) -> Void) {
    run(Self.delete, [], completion)
  }

  private func run(
    _ script: RedisScript, _ args: [String], _ completion: @escaping (Result<Void, SessionError>) -> Void
  ) {
    transport.run(script, keys: [key], args: args.map { Array($0.utf8) }, on: .master, timeout: timeout) {
      completion($0.map { _ in () }.mapError { SessionError(.storeUnavailable, $0.description) })
    }
  }
}
