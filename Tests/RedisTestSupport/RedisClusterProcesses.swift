public import Foundation
import Glibc

/// A Redis Cluster of `masters` masters with `replicasPerMaster` replicas each: one
/// `redis-server --cluster-enabled yes` per node on ephemeral loopback ports (client port and
/// cluster bus port both picked free), joined with `redis-cli --cluster create`, stopped by pid.
/// AOF is on (`appendfsync everysec`), `cluster-node-timeout` is short so a killed master is
/// replaced within a few seconds. One thread at a time (a test may hand it to a helper thread
/// for a long `reshard`, hence `@unchecked Sendable`).
public final class RedisClusterProcesses: @unchecked Sendable {
  public let nodes: [RedisServerProcess]
  public let nodeTimeoutMillis: Int

  public init(masters: Int = 3, replicasPerMaster: Int = 1, nodeTimeoutMillis: Int = 1000) throws {
    self.nodeTimeoutMillis = nodeTimeoutMillis
    var nodes: [RedisServerProcess] = []
    for _ in 0..<(masters * (1 + replicasPerMaster)) {
      nodes.append(
        try RedisServerProcess(extra: [
          "--cluster-enabled", "yes", "--cluster-port", String(try RedisServerProcess.freePort()),
          "--cluster-node-timeout", String(nodeTimeoutMillis), "--appendonly", "yes",
          "--appendfsync", "everysec", "--repl-diskless-sync-delay", "0",
          "--repl-ping-replica-period", "1",
        ]))
    }
    self.nodes = nodes
    self.replicasPerMaster = replicasPerMaster
  }

  private let replicasPerMaster: Int

  deinit { stop() }

  /// Starts every node, creates the cluster and waits until every node reports
  /// `cluster_state:ok` and every replica is listed (synced) in `CLUSTER SLOTS`.
  public func start(timeout: TimeInterval = 60) throws {
    for node in nodes { try node.start() }
    let create = try RedisCLI.run(
      ["--cluster", "create"] + nodes.map { "127.0.0.1:\($0.port)" }
        + ["--cluster-replicas", String(replicasPerMaster), "--cluster-yes"])
    guard create.status == 0 else {
      throw RedisTestSupportError("redis-cli --cluster create failed: \(create.output.suffix(400))")
    }
    try waitUntilStable(timeout: timeout)
  }

  public func stop() {
    for node in nodes { node.stop() }
  }

  /// Waits until every running node says `cluster_state:ok` and agrees on one topology in which
  /// every master has `replicasPerMaster` connected replicas (`CLUSTER SLOTS` lists only synced
  /// replicas).
  public func waitUntilStable(timeout: TimeInterval = 60, replicas: Int? = nil) throws {
    let wanted = replicas ?? replicasPerMaster
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      let running = nodes.filter { $0.pid != nil }
      let states = running.map { (try? $0.cli(["CLUSTER", "INFO"])) ?? "" }
      let layouts = Set(running.map { (try? topology(via: $0)) ?? [:] })
      if states.allSatisfy({ $0.contains("cluster_state:ok") }), layouts.count == 1,
        let layout = layouts.first,
        !layout.isEmpty, layout.values.allSatisfy({ $0.count == wanted }),
        (try? slotsListReplicas(via: running[0], count: wanted * layout.count)) == true
      {
        return
      }
      usleep(50_000)
    }
    throw RedisTestSupportError("cluster not stable within \(timeout) s")
  }

  /// Master port → its replicas' ports, from `CLUSTER NODES` as `node` sees it (failed nodes
  /// left out).
  public func topology(via node: RedisServerProcess? = nil) throws -> [Int: [Int]] {
    let asked = try node ?? liveNode()
    var masters: [String: Int] = [:]
    var replicas: [(master: String, port: Int)] = []
    for line in try asked.cli(["CLUSTER", "NODES"]).split(separator: "\n") {
      let fields = line.split(separator: " ")
      guard fields.count >= 8, let port = Self.port(fields[1]) else { continue }
      let flags = fields[2].split(separator: ",")
      if flags.contains("fail") || flags.contains("noaddr") { continue }
      if flags.contains("master") && fields.count > 8 {
        masters[String(fields[0])] = port
      } else if flags.contains("slave") {
        replicas.append((String(fields[3]), port))
      }
    }
    var out: [Int: [Int]] = [:]
    for (_, port) in masters { out[port] = [] }
    for replica in replicas {
      if let master = masters[replica.master] { out[master, default: []].append(replica.port) }
    }
    return out
  }

  /// The master port serving `slot`, from `CLUSTER NODES`.
  public func master(ofSlot slot: Int) throws -> Int {
    for line in try liveNode().cli(["CLUSTER", "NODES"]).split(separator: "\n") {
      let fields = line.split(separator: " ")
      guard fields.count > 8, fields[2].contains("master"), !fields[2].contains("fail"),
        let port = Self.port(fields[1])
      else { continue }
      for range in fields[8...] where !range.hasPrefix("[") {
        let bounds = range.split(separator: "-").compactMap { Int($0) }
        if bounds.count == 1, bounds[0] == slot { return port }
        if bounds.count == 2, (bounds[0]...bounds[1]).contains(slot) { return port }
      }
    }
    throw RedisTestSupportError("no master serves slot \(slot)")
  }

  public func node(port: Int) -> RedisServerProcess? { nodes.first { $0.port == port } }

  public func nodeID(port: Int) throws -> String {
    guard let node = node(port: port) else { throw RedisTestSupportError("no node on \(port)") }
    return try node.cli(["CLUSTER", "MYID"])
  }

  /// A running node.
  public func liveNode() throws -> RedisServerProcess {
    guard let node = nodes.first(where: { $0.pid != nil }) else {
      throw RedisTestSupportError("no cluster node running")
    }
    return node
  }

  /// Moves `count` slots from the master on `from` to the master on `to` with
  /// `redis-cli --cluster reshard` (keys migrated with MIGRATE, clients see ASK then MOVED).
  public func reshard(count: Int, from: Int, to: Int) throws {
    let result = try RedisCLI.run([
      "--cluster", "reshard", "127.0.0.1:\(from)", "--cluster-from", try nodeID(port: from),
      "--cluster-to", try nodeID(port: to), "--cluster-slots", String(count), "--cluster-yes",
      "--cluster-pipeline", "100",
    ])
    guard result.status == 0 else {
      throw RedisTestSupportError("redis-cli --cluster reshard failed: \(result.output.suffix(400))")
    }
  }

  /// Starts moving `slot` from the master on `from` to the master on `to` and migrates only its
  /// keys for which `migrateKey` is true (`CLUSTER SETSLOT … IMPORTING/MIGRATING` + `MIGRATE`),
  /// leaving the slot half-migrated: the source answers `ASK` for the keys that left.
  public func beginMigration(slot: Int, from: Int, to: Int, migrateKey: (String) -> Bool) throws {
    guard let source = node(port: from), let target = node(port: to) else {
      throw RedisTestSupportError("unknown node")
    }
    let sourceID = try nodeID(port: from)
    let targetID = try nodeID(port: to)
    try expectOK(target.cli(["CLUSTER", "SETSLOT", String(slot), "IMPORTING", sourceID]), "IMPORTING")
    try expectOK(source.cli(["CLUSTER", "SETSLOT", String(slot), "MIGRATING", targetID]), "MIGRATING")
    let keys = try source.cli(["CLUSTER", "GETKEYSINSLOT", String(slot), "1000"]).split(separator: "\n")
    for key in keys.map(String.init) where migrateKey(key) {
      try expectOK(source.cli(["MIGRATE", "127.0.0.1", String(to), key, "0", "5000"]), "MIGRATE \(key)")
    }
  }

  /// Finishes a migration begun with `beginMigration`: the remaining keys move and every master
  /// learns the new owner (`SETSLOT … NODE`).
  public func finishMigration(slot: Int, from: Int, to: Int) throws {
    guard let source = node(port: from) else { throw RedisTestSupportError("unknown node") }
    for key in try source.cli(["CLUSTER", "GETKEYSINSLOT", String(slot), "1000"]).split(separator: "\n") {
      try expectOK(source.cli(["MIGRATE", "127.0.0.1", String(to), String(key), "0", "5000"]), "MIGRATE")
    }
    let targetID = try nodeID(port: to)
    for master in try topology().keys {
      guard let node = node(port: master) else { continue }
      try expectOK(node.cli(["CLUSTER", "SETSLOT", String(slot), "NODE", targetID]), "SETSLOT NODE")
    }
  }

  private func expectOK(_ answer: String, _ what: String) throws {
    guard answer == "OK" else { throw RedisTestSupportError("\(what): \(answer)") }
  }

  private func slotsListReplicas(via node: RedisServerProcess, count: Int) throws -> Bool {
    // `redis-cli` prints the nested reply one item per line; each replica entry has its port
    // right after its ip, and the replicas follow the master in each range.
    let ports = Set(nodes.map(\.port))
    let lines = try node.cli(["CLUSTER", "SLOTS"]).split(separator: "\n")
    let listed = Set(lines.compactMap { Int($0) }.filter { ports.contains($0) })
    return listed.count >= count + (try topology(via: node).count)
  }

  private static func port(_ field: Substring) -> Int? {
    guard let colon = field.lastIndex(of: ":") else { return nil }
    let rest = field[field.index(after: colon)...]
    return Int(rest.prefix { $0 != "@" && $0 != "," })
  }
}

/// Runs `redis-cli` with arguments and collects its exit status and output. Test-thread only.
public enum RedisCLI {
  public static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/redis-cli")
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }
}
