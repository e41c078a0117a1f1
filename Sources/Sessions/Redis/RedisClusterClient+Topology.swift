import EventLoop

/// Bookkeeping of slot-map refreshes. Loop-thread only (owned by a `RedisClusterClient`).
struct RedisClusterRefreshState {
  /// A refresh is asking nodes right now.
  var running = false
  /// Another refresh was requested while one ran: start one more when it ends.
  var again = false
  /// `EventLoop.now` when the last refresh started (0: never).
  var lastStart: UInt64 = 0
  /// A rate-limited refresh waiting for `minRefreshInterval`.
  var delayed: TimerID?
  var background: TimerID?

  mutating func cancelTimers(_ loop: EventLoop) {
    if let delayed { loop.cancel(delayed) }
    if let background { loop.cancel(background) }
    delayed = nil
    background = nil
  }
}

extension RedisClusterClient {
  /// Refreshes the slot map now, or as soon as `minRefreshInterval` allows; requests while
  /// one is running or waiting collapse into one.
  public func requestRefresh() {
    guard started, !closed else { return }
    if refresh.running {
      refresh.again = true
      return
    }
    guard refresh.delayed == nil else { return }
    let due = refresh.lastStart &+ options.minRefreshInterval
    if refresh.lastStart == 0 || loop.now >= due {
      refreshNow()
    } else {
      refresh.delayed = loop.schedule(at: due) { [weak self] in
        guard let self else { return }
        self.refresh.delayed = nil
        self.refreshNow()
      }
    }
  }

  /// Asks the known nodes, then the seeds, one at a time, for `CLUSTER SLOTS`. The first map
  /// that covers every slot wins; if none does, the one covering the most.
  func refreshNow() {
    guard !closed, !refresh.running else { return }
    refresh.running = true
    refresh.again = false
    refresh.lastStart = loop.now
    var candidates: [RedisAddress] = []
    var seen = Set<RedisAddress>()
    let known = (slotMap?.masters ?? []) + (slotMap?.shards.flatMap(\.replicas) ?? [])
    // Nodes with a ready connection first (they answer without a connect), in random order so
    // a fleet's refreshes spread over the cluster.
    let ready = known.filter { masterNodes[$0]?.connection.isReady == true }.shuffled()
    for address in ready + known + seeds where seen.insert(address).inserted {
      candidates.append(address)
    }
    ask(candidates, from: 0, best: nil)
  }

  private func ask(_ candidates: [RedisAddress], from index: Int, best: RedisClusterSlotMap?) {
    guard !closed else { return }
    guard index < candidates.count else {
      refreshEnded(best)
      return
    }
    let address = candidates[index]
    let timeout = options.connection.connectTimeout &+ options.connection.commandTimeout
    masterNode(address).send([Array("CLUSTER".utf8), Array("SLOTS".utf8)], timeout: timeout) {
      [weak self] result in
      guard let self else { return }
      var best = best
      if case .success(let reply) = result,
        case .success(let map) = RedisClusterSlotMap.parse(slotsReply: reply, askedHost: address.host),
        map.assignedSlots > (best?.assignedSlots ?? 0)
      {
        best = map
        if map.assignedSlots == RedisClusterSlot.count {
          self.refreshEnded(map)
          return
        }
      }
      self.ask(candidates, from: index + 1, best: best)
    }
  }

  private func refreshEnded(_ map: RedisClusterSlotMap?) {
    refresh.running = false
    if let map {
      if map != slotMap { apply(map) }
      prune(map)
    }
    if refresh.again {
      requestRefresh()
    } else if !isHealthy {
      // Follow a failover: keep asking until a complete map with reachable masters returns.
      if refresh.delayed == nil {
        let interval = options.unhealthyRefreshInterval
        let delay = interval &+ UInt64.random(in: 0...(interval / 2))
        refresh.delayed = loop.schedule(at: loop.now &+ delay) { [weak self] in
          guard let self else { return }
          self.refresh.delayed = nil
          self.refreshNow()
        }
      }
    }
  }

  /// A complete map whose masters are not known to be down.
  private var isHealthy: Bool {
    guard let slotMap, slotMap.assignedSlots == RedisClusterSlot.count else { return false }
    return isAvailable
  }

  /// Installs `map` and rebuilds the per-shard node caches.
  private func apply(_ map: RedisClusterSlotMap) {
    slotMap = map
    shardMasters = map.shards.map { masterNodes[$0.master] }
    shardReplicas = map.shards.map { shard in
      guard !shard.replicas.isEmpty else { return [] }
      let first = replicaPreference % shard.replicas.count
      return Array(shard.replicas[first...] + shard.replicas[..<first])
    }
    onTopologyChange?(map)
  }

  /// Closes, after the batch, the plain connections to nodes that are not masters of `map` and
  /// the `READONLY` ones to nodes that are not its replicas (seeds and departed nodes asked
  /// during a refresh, a demoted master). Their pending commands fail; callers retry.
  private func prune(_ map: RedisClusterSlotMap) {
    let masters = Set(map.masters)
    let replicas = Set(map.shards.flatMap(\.replicas))
    var gone: [RedisClusterNode] = []
    for (address, node) in masterNodes where !masters.contains(address) {
      gone.append(node)
      masterNodes[address] = nil
    }
    for (address, node) in replicaNodes where !replicas.contains(address) {
      gone.append(node)
      replicaNodes[address] = nil
    }
    guard !gone.isEmpty else { return }
    loop.afterBatch { for node in gone { node.connection.close() } }
  }

  func scheduleBackgroundRefresh() {
    refresh.background = loop.schedule(at: loop.now &+ options.refreshInterval) { [weak self] in
      guard let self, !self.closed else { return }
      self.requestRefresh()
      self.scheduleBackgroundRefresh()
    }
  }
}
