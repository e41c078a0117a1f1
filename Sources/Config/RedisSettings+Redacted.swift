extension RedisSettings {
  /// `[redis]` (or `[redis.target]`, without the outage keys that only `[redis]` takes) as TOML
  /// for `GatehouseConfig.redactedDescription()`; the password as "<redacted>".
  func redactedLines(table: String = "redis") -> [String] {
    func duration(_ value: Duration) -> String { TOMLWriter.basicString(ConfigDuration.format(value)) }
    func string(_ value: String) -> String { TOMLWriter.basicString(value) }
    var lines = ["", "[\(table)]"]
    switch endpoint {
    case .address(let address):
      lines.append("address = \(string("\(address)"))")
    case .sentinels(let sentinels, let masterName):
      lines.append("sentinels = \(TOMLWriter.stringArray(sentinels.map { "\($0)" }))")
      lines.append("master_name = \(string(masterName))")
    case .cluster(let seeds):
      lines.append("cluster = \(TOMLWriter.stringArray(seeds.map { "\($0)" }))")
    }
    lines += [
      "password = \(string(password == nil ? "" : "<redacted>"))",
      "username = \(string(username ?? ""))",
      "database = \(database)",
      "key_prefix = \(string(keyPrefix))",
      "connect_timeout = \(duration(connectTimeout))",
      "command_timeout = \(duration(commandTimeout))",
      "read_timeout = \(duration(readTimeout))",
      "write_timeout = \(duration(writeTimeout))",
    ]
    if table == "redis" {
      lines += [
        "on_store_unavailable = \(string(onStoreUnavailable.rawValue))",
        "stale_grace = \(duration(staleGrace))",
      ]
    }
    lines += [
      "breaker_failures = \(breakerFailures)",
      "breaker_cooldown = \(duration(breakerCooldown))",
      "read_from = \(string(readFrom.rawValue))",
      "replica_timeout = \(duration(replicaTimeout))",
      "min_replicas_acked = \(minReplicasAcked)",
      "replica_ack_timeout = \(duration(replicaAckTimeout))",
    ]
    return lines
  }
}
