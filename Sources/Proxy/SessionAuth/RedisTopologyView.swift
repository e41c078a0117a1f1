import Sessions

/// The Redis deployment as worker 0 sees it at the moment (what its connections are talking to,
/// not what the configuration hoped for), for the dashboard. Published by the worker's links
/// when it changes; read by the admin thread. Immutable.
enum RedisTopologyView: Equatable, Sendable {
  /// One server at a fixed address.
  case single(address: String)
  /// The master a set of sentinels names, and the replica reads go to (when enabled).
  case sentinel(masterName: String, master: String?, replica: String?, sentinels: [String])
  /// The shards of the latest `CLUSTER SLOTS` map.
  case cluster(shards: [Shard], assignedSlots: Int)

  struct Shard: Equatable, Sendable {
    var master: String
    var replicas: [String]
    /// Slots this shard serves.
    var slots: Int
  }

  init(_ map: RedisClusterSlotMap) {
    var counts = [Int](repeating: 0, count: map.shards.count)
    for slot in 0..<RedisClusterSlot.count {
      if let index = map.shardIndex(forSlot: slot) { counts[index] += 1 }
    }
    self = .cluster(
      shards: map.shards.enumerated().map { index, shard in
        Shard(
          master: shard.master.description, replicas: shard.replicas.map(\.description), slots: counts[index])
      }, assignedSlots: map.assignedSlots)
  }
}
