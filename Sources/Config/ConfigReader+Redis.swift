import Net

/// `[redis]` (docs/DECISIONS.md §8): read only for `[session] store = "redis"`, and then
/// required; a `[redis]` table in any other configuration is an error (it would silently do
/// nothing).
extension ConfigReader {
  static let redisKeys = [
    "address", "sentinels", "master_name", "password", "username", "database", "key_prefix",
    "connect_timeout", "command_timeout", "on_store_unavailable", "stale_grace", "breaker_failures",
    "breaker_cooldown",
  ]

  /// `used`: the session store is Redis. `storeLine`: where `store = "redis"` was written.
  mutating func readRedis(_ root: TOMLTable, used: Bool, storeLine: Int) -> RedisSettings? {
    guard let entry = root.entry("redis") else {
      if used {
        report(
          line: storeLine, key: "session.store",
          "store = \"redis\" needs a [redis] table (at least address = \"host:port\" or sentinels + master_name)"
        )
      }
      return nil
    }
    guard case .table(let table) = entry.value else {
      report(line: entry.keyLine, key: "redis", "expected a table [redis], found \(entry.value.typeName)")
      return nil
    }
    let s = ConfigSection(path: "redis", title: "[redis]", table: table)
    let sectionLine = table.line > 0 ? table.line : entry.keyLine
    guard used else {
      report(line: sectionLine, key: "redis", "[redis] is only used with [session] store = \"redis\"")
      return nil
    }
    checkKeys(s, known: Self.redisKeys)
    let d = RedisSettings()

    var endpoint = d.endpoint
    let address = string(s, "address")
    let sentinelTexts = stringArray(s, "sentinels")
    let masterName = string(s, "master_name")
    if let address, sentinelTexts != nil {
      report(line: address.line, key: s.key("address"), "set either address or sentinels, not both")
    } else if let sentinelTexts {
      var sentinels: [SocketAddress] = []
      for (index, (text, line)) in sentinelTexts.enumerated() {
        if let resolved = socketAddress(
          text, line: line, key: "\(s.key("sentinels"))[\(index)]", allowPortZero: false)
        {
          sentinels.append(resolved)
        }
      }
      let sentinelsLine = table.entry("sentinels")?.valueLine ?? sectionLine
      if sentinelTexts.isEmpty {
        report(line: sentinelsLine, key: s.key("sentinels"), "needs at least one \"host:port\"")
      }
      if let masterName, !masterName.value.isEmpty {
        if !sentinels.isEmpty { endpoint = .sentinels(sentinels, masterName: masterName.value) }
      } else {
        report(
          line: masterName?.line ?? sentinelsLine, key: s.key("master_name"),
          "sentinels need master_name (the name the sentinels monitor, e.g. \"mymaster\")")
      }
    } else if let address {
      if let resolved = socketAddress(
        address.value, line: address.line, key: s.key("address"), allowPortZero: false)
      {
        endpoint = .address(resolved)
      }
    }
    if let masterName, sentinelTexts == nil {
      report(line: masterName.line, key: s.key("master_name"), "master_name is only used with sentinels")
    }

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
    return RedisSettings(
      endpoint: endpoint, username: username, password: password, database: database, keyPrefix: keyPrefix,
      connectTimeout: duration(
        s, "connect_timeout", default: d.connectTimeout, range: .milliseconds(1) ... .seconds(60)),
      commandTimeout: duration(
        s, "command_timeout", default: d.commandTimeout, range: .milliseconds(1) ... .seconds(60)),
      onStoreUnavailable: onStoreUnavailable,
      staleGrace: duration(s, "stale_grace", default: d.staleGrace, range: .zero ... .seconds(3600)),
      breakerFailures: integer(s, "breaker_failures", default: d.breakerFailures, range: 1...1000),
      breakerCooldown: duration(
        s, "breaker_cooldown", default: d.breakerCooldown, range: .milliseconds(10) ... .seconds(600)))
  }
}
