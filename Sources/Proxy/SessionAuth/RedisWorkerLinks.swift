import Config
import Net
import Sessions

/// The Redis connections of one worker for one topology (`RedisServerLinks`: a single Redis or
/// a Sentinel master, with an optional replica; `RedisClusterLinks`: a Redis Cluster), behind
/// what `RedisWorkerBackend` needs from them. Loop-thread only (the worker's loop), from `start`
/// on.
protocol RedisWorkerLinks: AnyObject {
  /// Where the worker's store sends its scripts.
  var transport: any RedisScriptTransport { get }
  /// Called with the deployment as these links see it whenever that changes (set on worker 0
  /// only, before `start`).
  var onTopology: ((RedisTopologyView) -> Void)? { get set }
  /// Connects. `readinessChanged(true)` once the store can be used, `(false)` when that stops.
  func start(readinessChanged: @escaping (Bool) -> Void)
  /// One cheap round trip for the breaker's half-open probe.
  func probe(_ done: @escaping (Bool) -> Void)
  /// One command to the master serving `routingKey` (the health probe's write and read).
  func send(
    _ args: [[UInt8]], routingKey: [UInt8], _ done: @escaping (Result<RedisReply, RedisError>) -> Void)
  /// The invalidation feed for the process's L1 cache (worker 0 only), not started, tracking
  /// keys that start with `prefix`.
  func makeInvalidationFeed(trackingPrefix prefix: [UInt8]) -> any RedisInvalidationFeed
}

extension RedisSettings {
  /// The per-connection options every topology shares.
  var connectionOptions: RedisConnectionOptions {
    var options = RedisConnectionOptions()
    options.connectTimeout = UInt64(connectTimeout.nanoseconds)
    // The connection's own deadline covers the longest direction (scripts get theirs per call).
    options.commandTimeout = UInt64(max(commandTimeout, readTimeout, writeTimeout).nanoseconds)
    options.username = username
    options.password = password?.revealed
    options.database = database
    return options
  }

  static func redisAddress(_ address: SocketAddress) -> RedisAddress? {
    RedisAddress(host: address.ip.description, port: Int(address.port))
  }
}
