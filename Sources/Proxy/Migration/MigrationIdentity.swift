import Codecs
import Config
import Crypto

/// Names the two stores of a migration, for `GET /migration`, logs and the fleet key: a replica
/// follows a fleet setting only when it was published for the same `from` → `to` pair (`id`), so
/// a key left over from an earlier move, or written by a fleet configured for another target, is
/// never followed. Immutable.
struct MigrationIdentity: Sendable, Equatable {
  let from: String
  let to: String
  /// First 16 hex digits of SHA-256("from → to").
  let id: String

  init(from: String, to: String) {
    self.from = from
    self.to = to
    id = String(Hex.encode(SHA256.hash(Array("\(from) → \(to)".utf8))).prefix(16))
  }

  init(settings: SessionSettings) {
    self.init(
      from: Self.describe(settings.fromRedis), to: Self.describe(settings.toRedis))
  }

  /// "memory", or "redis 10.0.0.5:6379/0 gh:", "redis sentinel mymaster@…/0 gh:",
  /// "redis cluster 10.0.0.7:7000,…/0 gh:".
  static func describe(_ redis: RedisSettings?) -> String {
    guard let redis else { return "memory" }
    let endpoint: String
    switch redis.endpoint {
    case .address(let address): endpoint = "\(address)"
    case .sentinels(let sentinels, let master):
      endpoint = "sentinel \(master)@" + sentinels.map { "\($0)" }.joined(separator: ",")
    case .cluster(let seeds):
      endpoint = "cluster " + seeds.map { "\($0)" }.joined(separator: ",")
    }
    return "redis \(endpoint)/\(redis.database) \(redis.keyPrefix)"
  }
}
