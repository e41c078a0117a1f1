/// One master and the replicas that serve its slots, as the cluster reported them. Immutable.
public struct RedisClusterShard: Hashable, Sendable {
  public let master: RedisAddress
  /// Replicas in the order the cluster listed them (only those `CLUSTER SLOTS` reports: a
  /// failed or still-loading replica is left out by the server).
  public let replicas: [RedisAddress]

  public init(master: RedisAddress, replicas: [RedisAddress]) {
    self.master = master
    self.replicas = replicas
  }
}

/// Which shard serves each of the 16384 slots, from a `CLUSTER SLOTS` reply. Pure and
/// immutable; the client replaces the whole map on every refresh.
///
/// Why `CLUSTER SLOTS` and not `CLUSTER SHARDS` (7.0+): both are served by 7.0, SLOTS also by
/// older servers, and SLOTS already leaves out replicas that cannot serve reads (failed,
/// loading), which is the list replica reads need (docs/redis.md §10).
public struct RedisClusterSlotMap: Equatable, Sendable {
  public let shards: [RedisClusterShard]
  /// Per slot: an index into `shards`, or `unassigned`.
  private let owners: [UInt16]
  private static let unassigned = UInt16.max

  /// `ranges` assign slots to indices of `shards`; later ranges win on overlap.
  public init(shards: [RedisClusterShard], ranges: [(slots: ClosedRange<Int>, shard: Int)]) {
    var owners = [UInt16](repeating: Self.unassigned, count: RedisClusterSlot.count)
    for range in ranges where shards.indices.contains(range.shard) {
      let low = max(range.slots.lowerBound, 0)
      let high = min(range.slots.upperBound, RedisClusterSlot.count - 1)
      guard low <= high else { continue }
      for slot in low...high { owners[slot] = UInt16(range.shard) }
    }
    self.shards = shards
    self.owners = owners
  }

  /// The shard serving `slot`, nil while the slot is unassigned.
  public func shard(forSlot slot: Int) -> RedisClusterShard? {
    guard let index = shardIndex(forSlot: slot) else { return nil }
    return shards[index]
  }

  public func shardIndex(forSlot slot: Int) -> Int? {
    guard slot >= 0 && slot < RedisClusterSlot.count else { return nil }
    let owner = owners[slot]
    return owner == Self.unassigned ? nil : Int(owner)
  }

  public var masters: [RedisAddress] { shards.map(\.master) }

  /// Slots some shard serves (16384 on a healthy cluster).
  public var assignedSlots: Int { owners.reduce(0) { $0 + ($1 == Self.unassigned ? 0 : 1) } }

  /// The slots `shards[index]` serves.
  public func slots(ofShard index: Int) -> [Int] {
    (0..<RedisClusterSlot.count).filter { owners[$0] == UInt16(truncatingIfNeeded: index) }
  }

  /// Parses `CLUSTER SLOTS`: `[[start, end, [ip, port, id, …], [replica ip, port, id, …]…]…]`.
  /// An empty or null ip means "the host you asked" (`askedHost`); a node whose address is
  /// unusable (`?`, a name instead of a number) is left out, and a range whose master is
  /// unusable stays unassigned. Ranges of one master share one shard.
  public static func parse(slotsReply reply: RedisReply, askedHost: String) -> Result<Self, RedisError> {
    guard let entries = reply.array else { return .failure(.protocol("CLUSTER SLOTS: not an array")) }
    var shards: [RedisClusterShard] = []
    var shardOfMaster: [RedisAddress: Int] = [:]
    var ranges: [(slots: ClosedRange<Int>, shard: Int)] = []
    for entry in entries {
      guard let parts = entry.array, parts.count >= 3, let start = parts[0].integer,
        let end = parts[1].integer, start >= 0, start <= end, end < Int64(RedisClusterSlot.count)
      else { return .failure(.protocol("CLUSTER SLOTS: malformed slot range")) }
      guard let nodeAddress = node(parts[2], askedHost: askedHost) else {
        guard case .success = node(strict: parts[2]) else {
          return .failure(.protocol("CLUSTER SLOTS: malformed node"))
        }
        continue
      }
      let replicas = parts.dropFirst(3).compactMap { node($0, askedHost: askedHost) }
      let index: Int
      if let known = shardOfMaster[nodeAddress] {
        index = known
      } else {
        index = shards.count
        shardOfMaster[nodeAddress] = index
        shards.append(RedisClusterShard(master: nodeAddress, replicas: replicas))
      }
      ranges.append((Int(start)...Int(end), index))
    }
    return .success(RedisClusterSlotMap(shards: shards, ranges: ranges))
  }

  /// A node entry's address; nil when unusable.
  private static func node(_ reply: RedisReply, askedHost: String) -> RedisAddress? {
    guard case .success(let (host, port)) = node(strict: reply) else { return nil }
    if host == "?" { return nil }
    return RedisAddress(host: host.isEmpty ? askedHost : host, port: port)
  }

  /// `[ip, port, …]` with an ip that is bulk, status or null and an integer port.
  private static func node(strict reply: RedisReply) -> Result<(String, Int), RedisError> {
    guard let parts = reply.array, parts.count >= 2, let port = parts[1].integer,
      port > 0 && port <= 65535
    else { return .failure(.protocol("CLUSTER SLOTS: malformed node")) }
    let host: String
    switch parts[0] {
    case .null: host = ""
    case .bulk, .status: host = parts[0].string ?? ""
    default: return .failure(.protocol("CLUSTER SLOTS: malformed node"))
    }
    return .success((host, Int(port)))
  }
}
