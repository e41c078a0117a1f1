import Config
import EventLoop
import Net
import Sessions

/// One worker's links to a Redis Cluster: its own `RedisClusterClient` (a connection per node,
/// created on first use; replica reads prefer the replica picked by the worker index) counting
/// the commands per node, and on worker 0 a `RedisClusterTracking` (an invalidation subscriber
/// per master). Ready once the first complete slot map arrived. Loop-thread only.
final class RedisClusterLinks: RedisWorkerLinks {
  let client: RedisClusterClient
  private var ready = false
  private var probes = 0
  var onTopology: ((RedisTopologyView) -> Void)?

  init(index: Int, loop: EventLoop, settings: RedisSettings, metrics: RedisMetrics) {
    var options = RedisClusterOptions()
    options.connection = settings.connectionOptions
    var seeds: [RedisAddress] = []
    if case .cluster(let addresses) = settings.endpoint {
      seeds = addresses.compactMap(RedisSettings.redisAddress)
    }
    client = RedisClusterClient(loop: loop, seeds: seeds, options: options, replicaPreference: index)
    client.makeCommandCounter = { node, role in
      let counter = metrics.nodeCommands(node: node, role: role)
      return { counter.increment() }
    }
  }

  var transport: any RedisScriptTransport { client }

  func start(readinessChanged: @escaping (Bool) -> Void) {
    let previous = client.onTopologyChange
    client.onTopologyChange = { [weak self] map in
      previous?(map)
      self?.onTopology?(RedisTopologyView(map))
      guard let self, !self.ready, map.assignedSlots == RedisClusterSlot.count else { return }
      self.ready = true
      readinessChanged(true)
    }
    client.start()
  }

  /// `PING` to the master of a different slot each time, so the probes cover every shard.
  func probe(_ done: @escaping (Bool) -> Void) {
    probes &+= 1
    client.send([Array("PING".utf8)], slot: (probes &* 5461) % RedisClusterSlot.count) { result in
      if case .success = result { done(true) } else { done(false) }
    }
  }

  func send(
    _ args: [[UInt8]], routingKey: [UInt8], _ done: @escaping (Result<RedisReply, RedisError>) -> Void
  ) {
    client.send(args, slot: RedisClusterSlot.of(routingKey), done)
  }

  func makeInvalidationFeed(trackingPrefix prefix: [UInt8]) -> any RedisInvalidationFeed {
    RedisClusterTracking(client: client, trackingPrefixes: [prefix])
  }
}
