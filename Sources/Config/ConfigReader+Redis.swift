import Net

/// `[redis]` (docs/DECISIONS.md §8) and `[redis.target]` (docs/migration.md): read only when a
/// store uses them, and then required; a table in any other configuration is an error (it would
/// silently do nothing).
extension ConfigReader {
  static let redisKeys = [
    "address", "sentinels", "master_name", "password", "username", "database", "key_prefix",
    "connect_timeout", "command_timeout", "on_store_unavailable", "stale_grace", "breaker_failures",
    "breaker_cooldown", "cluster", "read_from", "replica_timeout", "target", "min_replicas_acked",
    "replica_ack_timeout", "read_timeout", "write_timeout",
  ]
  /// Why a Redis table is needed: where that was written, for the message when it is missing.
  struct RedisNeed {
    let line: Int
    let key: String
    let message: String
  }

  /// Which Redis tables the session stores need, and where that was written: `[redis]` for a
  /// Redis store in use or a memory → Redis migration's target, `[redis.target]` for a Redis →
  /// Redis migration's target.
  static func redisNeeds(
    store: SessionSettings.Store, storeLine: Int, migration: (to: SessionSettings.Store, line: Int)?
  ) -> (redis: RedisNeed?, target: RedisNeed?) {
    let storeNeed = RedisNeed(
      line: storeLine, key: "session.store",
      message:
        "store = \"redis\" needs a [redis] table (at least address = \"host:port\", sentinels + master_name, or cluster)"
    )
    switch (store, migration) {
    case (.redis, (.redis, let line)?):
      return (
        RedisNeed(
          line: storeLine, key: "session.store",
          message: "a migration from \"redis\" needs a [redis] table (the store in use)"),
        RedisNeed(
          line: line, key: "session.migration.to",
          message:
            "a migration from \"redis\" to \"redis\" needs a [redis.target] table (where the sessions go)")
      )
    case (.memory, (.redis, let line)?):
      return (
        RedisNeed(
          line: line, key: "session.migration.to",
          message: "a migration to \"redis\" needs a [redis] table (where the sessions go)"), nil
      )
    case (.redis, _): return (storeNeed, nil)
    case (.memory, _): return (nil, nil)
    }
  }

  /// `[redis]`; `need` is nil when no store uses it.
  mutating func readRedis(_ root: TOMLTable, need: RedisNeed?) -> RedisSettings? {
    guard let entry = root.entry("redis") else {
      if let need { report(line: need.line, key: need.key, need.message) }
      return nil
    }
    guard case .table(let table) = entry.value else {
      report(line: entry.keyLine, key: "redis", "expected a table [redis], found \(entry.value.typeName)")
      return nil
    }
    let s = ConfigSection(path: "redis", title: "[redis]", table: table)
    let sectionLine = table.line > 0 ? table.line : entry.keyLine
    guard need != nil else {
      report(
        line: sectionLine, key: "redis",
        "[redis] is only used with [session] store = \"redis\" or a [session.migration] to Redis")
      return nil
    }
    checkKeys(s, known: Self.redisKeys)
    return redisSettings(s, sectionLine: sectionLine)
  }

  /// `[redis.target]`; `need` is nil unless a Redis → Redis migration uses it.
  mutating func readRedisTarget(_ root: TOMLTable, need: RedisNeed?) -> RedisSettings? {
    guard case .table(let redis)? = root.entry("redis")?.value, let entry = redis.entry("target") else {
      if let need { report(line: need.line, key: need.key, need.message) }
      return nil
    }
    guard case .table(let table) = entry.value else {
      report(
        line: entry.keyLine, key: "redis.target",
        "expected a table [redis.target], found \(entry.value.typeName)")
      return nil
    }
    let s = ConfigSection(path: "redis.target", title: "[redis.target]", table: table)
    let sectionLine = table.line > 0 ? table.line : entry.keyLine
    guard need != nil else {
      report(
        line: sectionLine, key: "redis.target",
        "[redis.target] is only used by a [session.migration] from \"redis\" to \"redis\"")
      return nil
    }
    // What happens during an outage is decided once, for the whole session store.
    for outage in ["on_store_unavailable", "stale_grace"] {
      if let misplaced = table.entry(outage) {
        report(
          line: misplaced.keyLine, key: s.key(outage),
          "\(outage) applies to the whole session store: set it in [redis]")
      }
    }
    checkKeys(s, known: Self.redisKeys.filter { $0 != "target" })
    return redisSettings(s, sectionLine: sectionLine)
  }

  /// The keys of a `[redis]`-shaped table.
  private mutating func redisSettings(_ s: ConfigSection, sectionLine: Int) -> RedisSettings {
    let table = s.table
    let d = RedisSettings()

    let endpoint = readRedisEndpoint(s, table: table, sectionLine: sectionLine) ?? d.endpoint

    var password: Secret?
    if let (text, line) = string(s, "password"), !text.isEmpty {
      password = secret(text, line: line, key: s.key("password"))
    }
    var username: String?
    if let (text, line) = string(s, "username"), !text.isEmpty {
      if password == nil {
        report(line: line, key: s.key("username"), "username needs password (AUTH username password)")
      } else if !text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
        report(line: line, key: s.key("username"), "\(quoted(text)) contains spaces or non-ASCII characters")
      } else {
        username = text
      }
    }
    let database = integer(s, "database", default: d.database, range: 0...65535)
    if case .cluster = endpoint, database != 0, let line = table.entry("database")?.valueLine {
      report(line: line, key: s.key("database"), "a Redis Cluster has only database 0")
    }
    var keyPrefix = d.keyPrefix
    if let (text, line) = string(s, "key_prefix") {
      if text.utf8.count > 64 || !text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != 0x7B && $0 != 0x7D })
      {
        report(
          line: line, key: s.key("key_prefix"),
          "\(quoted(text)) must be at most 64 printable ASCII characters without spaces, `{` or `}`")
      } else {
        keyPrefix = text
      }
    }
    var onStoreUnavailable = d.onStoreUnavailable
    if let (text, line) = string(s, "on_store_unavailable") {
      if let value = RedisSettings.OnStoreUnavailable(rawValue: text) {
        onStoreUnavailable = value
      } else {
        report(
          line: line, key: s.key("on_store_unavailable"),
          "unknown action \(quoted(text)); use \"deny\" or \"jwt_only\"")
      }
    }
    let commandTimeout = duration(
      s, "command_timeout", default: d.commandTimeout, range: .milliseconds(1) ... .seconds(60))
    // command_timeout is the default of both directions (an alias for setting both).
    let readTimeout = duration(
      s, "read_timeout", default: commandTimeout, range: .milliseconds(1) ... .seconds(60))
    let writeTimeout = duration(
      s, "write_timeout", default: commandTimeout, range: .milliseconds(1) ... .seconds(60))
    let (readFrom, replicaTimeout) = readReplicaReads(
      s, table: table, endpoint: endpoint, commandTimeout: readTimeout)
    return RedisSettings(
      endpoint: endpoint, username: username, password: password, database: database, keyPrefix: keyPrefix,
      connectTimeout: duration(
        s, "connect_timeout", default: d.connectTimeout, range: .milliseconds(1) ... .seconds(60)),
      commandTimeout: commandTimeout,
      onStoreUnavailable: onStoreUnavailable,
      staleGrace: duration(s, "stale_grace", default: d.staleGrace, range: .zero ... .seconds(3600)),
      breakerFailures: integer(s, "breaker_failures", default: d.breakerFailures, range: 1...1000),
      breakerCooldown: duration(
        s, "breaker_cooldown", default: d.breakerCooldown, range: .milliseconds(10) ... .seconds(600)),
      readFrom: readFrom, replicaTimeout: replicaTimeout,
      minReplicasAcked: integer(
        s, "min_replicas_acked", default: RedisSettings.defaultMinReplicasAcked(endpoint), range: 0...16),
      replicaAckTimeout: duration(
        s, "replica_ack_timeout", default: d.replicaAckTimeout, range: .milliseconds(1) ... .seconds(10)),
      readTimeout: readTimeout, writeTimeout: writeTimeout)
  }

  /// `address`, `sentinels` + `master_name`, or `cluster`: exactly one of them (none: the default
  /// address). Nil after an error.
  private mutating func readRedisEndpoint(
    _ s: ConfigSection, table: TOMLTable, sectionLine: Int
  ) -> RedisSettings.Endpoint? {
    let address = string(s, "address")
    let sentinelTexts = stringArray(s, "sentinels")
    let clusterTexts = stringArray(s, "cluster")
    let masterName = string(s, "master_name")
    let given = [
      address.map { ("address", $0.line) },
      sentinelTexts.map { _ in ("sentinels", table.entry("sentinels")!.keyLine) },
      clusterTexts.map { _ in ("cluster", table.entry("cluster")!.keyLine) },
    ].compactMap { $0 }
    if given.count > 1 {
      report(
        line: given[0].1, key: s.key(given[0].0),
        "set only one of address, sentinels or cluster (\(given.map(\.0).joined(separator: " and ")) given)")
      return nil
    }
    if let masterName, sentinelTexts == nil {
      report(line: masterName.line, key: s.key("master_name"), "master_name is only used with sentinels")
    }
    if let address {
      guard
        let resolved = socketAddress(
          address.value, line: address.line, key: s.key("address"), allowPortZero: false)
      else { return nil }
      return .address(resolved)
    }
    if let sentinelTexts {
      let sentinels = addresses(sentinelTexts, s, "sentinels", table: table, sectionLine: sectionLine)
      guard let masterName, !masterName.value.isEmpty else {
        report(
          line: masterName?.line ?? table.entry("sentinels")?.valueLine ?? sectionLine,
          key: s.key("master_name"),
          "sentinels need master_name (the name the sentinels monitor, e.g. \"mymaster\")")
        return nil
      }
      return sentinels.map { .sentinels($0, masterName: masterName.value) }
    }
    if let clusterTexts {
      return addresses(clusterTexts, s, "cluster", table: table, sectionLine: sectionLine).map {
        .cluster($0)
      }
    }
    return nil
  }

  /// Every `"host:port"` of an address list (at least one); nil after an error.
  private mutating func addresses(
    _ texts: [(value: String, line: Int)], _ s: ConfigSection, _ key: String, table: TOMLTable,
    sectionLine: Int
  ) -> [SocketAddress]? {
    var out: [SocketAddress] = []
    for (index, (text, line)) in texts.enumerated() {
      if let resolved = socketAddress(text, line: line, key: "\(s.key(key))[\(index)]", allowPortZero: false)
      {
        out.append(resolved)
      }
    }
    if texts.isEmpty {
      report(
        line: table.entry(key)?.valueLine ?? sectionLine, key: s.key(key), "needs at least one \"host:port\"")
    }
    return out.count == texts.count && !texts.isEmpty ? out : nil
  }

  /// `read_from` and `replica_timeout`: replicas exist only behind sentinels or in a cluster, and
  /// a replica's deadline must not pass the master's (`replica_timeout` is accepted, unused, with
  /// `read_from = "master"`, so the example can show every key with its default).
  private mutating func readReplicaReads(
    _ s: ConfigSection, table: TOMLTable, endpoint: RedisSettings.Endpoint, commandTimeout: Duration
  ) -> (RedisSettings.ReadFrom, Duration) {
    let d = RedisSettings()
    var readFrom = d.readFrom
    if let (text, line) = string(s, "read_from") {
      if let value = RedisSettings.ReadFrom(rawValue: text) {
        readFrom = value
        if value == .replicaPreferred, case .address = endpoint {
          report(
            line: line, key: s.key("read_from"),
            "read_from = \"replica_preferred\" needs sentinels or cluster (a single address has no replicas)")
        }
      } else {
        report(
          line: line, key: s.key("read_from"),
          "unknown value \(quoted(text)); use \"master\" or \"replica_preferred\"")
      }
    }
    let replicaTimeout = duration(
      s, "replica_timeout", default: d.replicaTimeout, range: .milliseconds(1) ... .seconds(60))
    if let line = table.entry("replica_timeout")?.keyLine, replicaTimeout > commandTimeout {
      report(
        line: line, key: s.key("replica_timeout"),
        "replica_timeout must not be longer than read_timeout (\(ConfigDuration.format(commandTimeout)))")
    }
    return (readFrom, min(replicaTimeout, commandTimeout))
  }
}
