public import EventLoop

/// A Redis Cluster client on our loop (hiredis 0.14 has none): routes each command by its key's
/// hash slot to the slot's master (or, for replica reads, to one of its replicas) over one
/// `RedisConnection` per node, created on first use, with the connections' deadlines, watchdog
/// and reconnect backoff. Loop-thread only: create, use and close it on the loop's thread.
///
/// Rules (cluster spec; docs/redis.md §9, §10), decided by `RedisClusterStep`:
/// - the slot map comes from `CLUSTER SLOTS` at start, after every `MOVED`, whenever a node is
///   unreachable or the cluster answers `CLUSTERDOWN`, about every `unhealthyRefreshInterval`
///   while a master is down or slots are unassigned (a failover is followed within seconds), and
///   every `refreshInterval` otherwise; refreshes start at least `minRefreshInterval` apart;
/// - `MOVED` → the command is re-sent to the named node at once (and the map refreshed);
///   `ASK` → `ASKING` plus the command, pipelined, to the named node, map untouched; both at
///   most `maxRedirects` times in a row (more `MOVED`s — a slot bouncing between its two nodes
///   while it changes hands — back off like `TRYAGAIN`); `TRYAGAIN` / `CLUSTERDOWN` → retried
///   with doubling delays while the command's deadline allows;
/// - a command's deadline covers all its hops; every completion runs exactly once on the loop,
///   never inside `send` (fast failures are deferred to after the batch).
///
/// Replica reads (`.replica`): the slot's replicas get a second pool of connections that send
/// `READONLY` in their handshake; each client prefers one replica per shard (spreading a fleet
/// over all of them) and takes the next ready one when it is down. With no ready replica the
/// command fails at once with `.disconnected` (the store then asks the master and counts the
/// fallback). A replica connection is never used for writes: a legacy `EVAL` would run there
/// and fail.
public final class RedisClusterClient {
  public let loop: EventLoop
  public let options: RedisClusterOptions
  public private(set) var seeds: [RedisAddress]
  /// The current slot map; nil until the first refresh succeeded.
  public internal(set) var slotMap: RedisClusterSlotMap?
  /// Called after every refresh that changed the map (not for refreshes that found it equal).
  public var onTopologyChange: ((RedisClusterSlotMap) -> Void)?
  /// Makes the per-command counter of a node connection when it is created (metrics); nil: none.
  public var makeCommandCounter: ((_ node: RedisAddress, _ role: RedisReadTarget) -> (() -> Void)?)?

  var masterNodes: [RedisAddress: RedisClusterNode] = [:]
  var replicaNodes: [RedisAddress: RedisClusterNode] = [:]
  /// Per shard of `slotMap`: its master's node once used, and its replicas' (in the order this
  /// worker prefers them).
  var shardMasters: [RedisClusterNode?] = []
  var shardReplicas: [[RedisAddress]] = []
  /// Which replica of a shard this client prefers (rotates the order; `replicaPreference`).
  let replicaPreference: Int
  var refresh = RedisClusterRefreshState()
  var closed = false
  var started = false

  /// `seeds`: any nodes of the cluster (the map lists the rest). `replicaPreference` picks this
  /// client's first choice among a shard's replicas (e.g. the worker index; default random).
  public init(
    loop: EventLoop, seeds: [RedisAddress], options: RedisClusterOptions = .init(),
    replicaPreference: Int = Int.random(in: 0..<1024)
  ) {
    precondition(!seeds.isEmpty, "RedisClusterClient needs at least one seed node")
    self.loop = loop
    self.seeds = seeds
    self.options = options
    self.replicaPreference = replicaPreference
  }

  /// Fetches the slot map (and keeps it fresh). Idempotent.
  public func start() {
    guard !started, !closed else { return }
    started = true
    refreshNow()
    scheduleBackgroundRefresh()
  }

  /// Closes every node connection (pending commands fail with `.disconnected`) and stops
  /// refreshing. Idempotent.
  public func close() {
    guard !closed else { return }
    closed = true
    refresh.cancelTimers(loop)
    let nodes = Array(masterNodes.values) + Array(replicaNodes.values)
    masterNodes = [:]
    replicaNodes = [:]
    shardMasters = []
    for node in nodes { node.connection.close() }
  }

  /// True while a map is known and no master of it is known to be unreachable.
  public var isAvailable: Bool {
    guard slotMap != nil else { return false }
    for node in shardMasters where node?.isDown == true { return false }
    return true
  }

  /// True when some shard has a replica.
  public var hasReplicas: Bool { shardReplicas.contains { !$0.isEmpty } }

  /// The masters of the current map, in address order.
  public var scanConnections: [RedisConnection] {
    (slotMap?.masters ?? []).sorted { $0.description < $1.description }.map(masterConnection)
  }

  /// The plain connection to the master at `address` (created on first use): for commands that
  /// are not routed by key, such as a heartbeat `PUBLISH`.
  public func masterConnection(_ address: RedisAddress) -> RedisConnection {
    masterNode(address).connection
  }

  /// Sends `args` to the node serving `slot` (`RedisClusterSlot.of(key)`); `timeout` (default
  /// `options.connection.commandTimeout`) covers every redirect and retry.
  public func send(
    _ args: [[UInt8]], slot: Int, on target: RedisReadTarget = .master, timeout: UInt64? = nil,
    _ completion: @escaping (Result<RedisReply, RedisError>) -> Void
  ) {
    let deadline = loop.now &+ (timeout ?? options.connection.commandTimeout)
    let command = RedisClusterCommand(
      args: args, slot: slot, target: target, deadline: deadline, completion: completion)
    dispatch(command, to: nil, asking: false)
  }

  // MARK: Routing

  /// Sends `command` to `explicit` (a redirect's node, via the plain pool) or to its slot's
  /// owner in the current map.
  private func dispatch(_ command: RedisClusterCommand, to explicit: RedisAddress?, asking: Bool) {
    guard !closed else {
      loop.afterBatch { command.finish(.failure(.disconnected)) }
      return
    }
    let now = loop.now
    guard command.deadline > now else {
      command.finish(.failure(.timeout))
      return
    }
    let node: RedisClusterNode
    if let explicit {
      node = masterNode(explicit)
    } else if let routed = route(command) {
      node = routed
    } else {
      if command.target == .master || slotMap == nil { requestRefresh() }
      loop.afterBatch { command.finish(.failure(.disconnected)) }
      return
    }
    let remaining = command.deadline - now
    if asking { node.send([Array("ASKING".utf8)], timeout: remaining) { _ in } }
    node.send(command.args, timeout: remaining) { [weak self] result in
      guard let self else {
        command.finish(result)
        return
      }
      self.handle(result, of: command, from: node)
    }
  }

  private func handle(
    _ result: Result<RedisReply, RedisError>, of command: RedisClusterCommand, from node: RedisClusterNode
  ) {
    let now = loop.now
    let step = RedisClusterStep.after(
      result, askedHost: node.address.host, redirects: command.redirects, retries: command.retries,
      remaining: command.deadline > now ? command.deadline - now : 0, options: options)
    switch step {
    case .finish:
      command.finish(result)
    case .finishAndRefresh:
      if case .failure(let error) = result, error.kind != .server, node.role == .master {
        node.isDown = !node.connection.isReady
      }
      requestRefresh()
      command.finish(result)
    case .redirect(let address, let asking, let refresh):
      command.redirects += 1
      if refresh { requestRefresh() }
      dispatch(command, to: address, asking: asking)
    case .retry(let delay, let refresh):
      // The deadline bounds retries; each may meet the migration's ASK again.
      command.retries += 1
      command.redirects = 0
      if refresh { requestRefresh() }
      loop.schedule(at: now &+ delay) { [weak self] in
        guard let self else {
          command.finish(.failure(.disconnected))
          return
        }
        self.dispatch(command, to: nil, asking: false)
      }
    }
  }

  /// The node for `command`'s slot in the current map: its master, or for `.replica` a ready
  /// replica. Nil while the slot is unassigned, no map is known, or no replica is ready.
  private func route(_ command: RedisClusterCommand) -> RedisClusterNode? {
    guard let map = slotMap, let shard = map.shardIndex(forSlot: command.slot) else { return nil }
    if command.target == .replica { return readyReplica(ofShard: shard) }
    if let node = shardMasters[shard] { return node }
    let node = masterNode(map.shards[shard].master)
    shardMasters[shard] = node
    return node
  }

  /// The first ready replica of `shard` in this client's order. Creates the connection of the
  /// preferred one on first use (it becomes usable for a later read).
  private func readyReplica(ofShard shard: Int) -> RedisClusterNode? {
    let replicas = shardReplicas[shard]
    for (position, address) in replicas.enumerated() {
      if let node = replicaNodes[address] {
        if node.connection.isReady { return node }
      } else if position == 0 {
        _ = replicaNode(address)
      }
    }
    return nil
  }

  // MARK: Nodes

  func masterNode(_ address: RedisAddress) -> RedisClusterNode {
    if let node = masterNodes[address] { return node }
    let node = makeNode(address, role: .master)
    masterNodes[address] = node
    return node
  }

  func replicaNode(_ address: RedisAddress) -> RedisClusterNode {
    if let node = replicaNodes[address] { return node }
    let node = makeNode(address, role: .replica)
    replicaNodes[address] = node
    return node
  }

  private func makeNode(_ address: RedisAddress, role: RedisReadTarget) -> RedisClusterNode {
    var connectionOptions = options.connection
    connectionOptions.requireMaster = false
    connectionOptions.database = 0
    connectionOptions.readOnly = role == .replica
    let connection = RedisConnection(loop: loop, address: address, options: connectionOptions)
    let node = RedisClusterNode(
      address: address, role: role, connection: connection,
      countCommand: makeCommandCounter?(address, role))
    connection.onReady = { [weak node] _ in node?.isDown = false }
    connection.onDown = { [weak self, weak node] _, _ in
      node?.isDown = true
      if role == .master { self?.requestRefresh() }
    }
    connection.start()
    return node
  }
}
