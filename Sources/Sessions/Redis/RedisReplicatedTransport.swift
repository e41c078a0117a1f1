public import EventLoop

/// A master connection plus a replica connection (Sentinel deployments with replica reads):
/// scripts go to the master; `.replica` runs go to the replica with `EVALSHA_RO` while its
/// connection is ready, and fail at once with `.disconnected` otherwise (the store then asks the
/// master, and counts the fallback). Loop-thread only; both connections live on `loop`.
public final class RedisReplicatedTransport: RedisScriptTransport {
  public let master: RedisConnection
  public let replica: RedisConnection

  public init(master: RedisConnection, replica: RedisConnection) {
    precondition(master.loop === replica.loop, "both connections on one loop")
    self.master = master
    self.replica = replica
  }

  public var loop: EventLoop { master.loop }
  public var isAvailable: Bool { master.isReady }
  public var hasReplicas: Bool { true }
  public var scanConnections: [RedisConnection] { [master] }

  public func run(
    _ script: RedisScript, keys: [[UInt8]], args: [[UInt8]], on target: RedisReadTarget, timeout: UInt64?,
    _ completion: @escaping (Result<RedisReply, RedisError>) -> Void
  ) {
    switch target {
    case .master:
      master.run(script, keys: keys, args: args, timeout: timeout, completion)
    case .replica:
      guard replica.isReady else {
        loop.afterBatch { completion(.failure(.disconnected)) }
        return
      }
      replica.run(script, keys: keys, args: args, readOnly: true, timeout: timeout, completion)
    }
  }

  public func waitForReplicas(
    _ replicas: Int, timeoutMillis: Int, key: [UInt8], timeout: UInt64?,
    _ completion: @escaping (Result<Int, RedisError>) -> Void
  ) {
    master.waitForReplicas(replicas, timeoutMillis: timeoutMillis, key: key, timeout: timeout, completion)
  }
}
