/// The fleet's migration setting in the `from` Redis: one hash `<prefix>migration` with
/// `version`, `mode`, `percentage`, `migration` and `changed_at` (server time, ms). Every replica
/// reads it twice a second and follows a newer version; a publication increments the version
/// atomically (docs/migration.md §3). Both are scripts on the store's transport, so the key
/// works the same on a single Redis, behind Sentinel or in a cluster (it routes by the key).
/// Loop-thread only (the transport's loop).
public final class RedisMigrationFleetKey {
  let transport: any RedisScriptTransport
  public let key: String
  let timeout: UInt64?

  public init(transport: any RedisScriptTransport, keyPrefix: String, timeout: UInt64? = nil) {
    self.transport = transport
    self.key = keyPrefix + "migration"
    self.timeout = timeout
  }

  /// KEYS: the hash. Returns {version, mode, percentage, migration} (nil where absent).
  static let read = RedisScript(
    "return redis.call('HMGET', KEYS[1], 'version', 'mode', 'percentage', 'migration')")

  /// KEYS: the hash. ARGV: expected version ("" = any), mode, percentage, migration.
  /// Returns the new version, or -1 when the version was not the expected one.
  static let publish = RedisScript(
    """
    local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
    if ARGV[1] ~= '' and tonumber(ARGV[1]) ~= current then return -1 end
    local t = redis.call('TIME')
    local version = redis.call('HINCRBY', KEYS[1], 'version', 1)
    redis.call('HSET', KEYS[1], 'mode', ARGV[2], 'percentage', ARGV[3], 'migration', ARGV[4],
      'changed_at', string.format('%.0f', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)))
    return version
    """)

  /// The published record; nil when there is none (or it does not parse).
  public func read(completion: @escaping (Result<MigrationFleetRecord?, SessionError>) -> Void) {
    transport.run(Self.read, keys: [Array(key.utf8)], args: [], on: .master, timeout: timeout) { result in
      switch result {
      case .failure(let error):
        completion(.failure(SessionError(.storeUnavailable, error.description)))
      case .success(let reply):
        guard let items = reply.array, items.count == 4 else {
          return completion(.failure(SessionError(.storeUnavailable, "unexpected HMGET reply")))
        }
        completion(
          .success(
            MigrationFleetRecord(
              version: items[0].string, mode: items[1].string, percentage: items[2].string,
              migration: items[3].string)))
      }
    }
  }

  /// Publishes `setting` for `migration`; with `ifVersion`, only if the key is still at that
  /// version (a step back must not overwrite an operator's newer change). Answers the new
  /// version, or nil when the version had moved on.
  public func publish(
    _ setting: MigrationSetting, migration: String, ifVersion: UInt64?,
    completion: @escaping (Result<UInt64?, SessionError>) -> Void
  ) {
    let args = [
      ifVersion.map(String.init) ?? "", setting.mode.rawValue, String(setting.percentage), migration,
    ]
    transport.run(
      Self.publish, keys: [Array(key.utf8)], args: args.map { Array($0.utf8) }, on: .master, timeout: timeout
    ) { result in
      switch result {
      case .failure(let error):
        completion(.failure(SessionError(.storeUnavailable, error.description)))
      case .success(let reply):
        guard let version = reply.integer else {
          return completion(.failure(SessionError(.storeUnavailable, "unexpected publish reply")))
        }
        completion(.success(version < 0 ? nil : UInt64(version)))
      }
    }
  }
}
