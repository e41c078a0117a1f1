/// The backfill's resume point in the target Redis: one hash `<prefix>migration:backfill` with
/// the cursor and the source it belongs to. Loop-thread only.
public final class RedisBackfillCheckpoint: BackfillCheckpoint {
  let connection: RedisConnection
  let key: String
  let timeout: UInt64?

  public init(connection: RedisConnection, keyPrefix: String, timeout: UInt64? = nil) {
    self.connection = connection
    self.key = keyPrefix + "migration:backfill"
    self.timeout = timeout
  }

  public func load(source: String, completion: @escaping (Result<String?, SessionError>) -> Void) {
    connection.send(strings: ["HMGET", key, "cursor", "source"], timeout: timeout) { result in
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
    connection.send(strings: ["HSET", key, "cursor", cursor, "source", source], timeout: timeout) {
      completion($0.map { _ in () }.mapError { SessionError(.storeUnavailable, $0.description) })
    }
  }

  public func clear(completion: @escaping (Result<Void, SessionError>) -> Void) {
    connection.send(strings: ["DEL", key], timeout: timeout) {
      completion($0.map { _ in () }.mapError { SessionError(.storeUnavailable, $0.description) })
    }
  }
}
