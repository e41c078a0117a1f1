import Config
import Net

/// Checks on where session state and secrets end up: the config file, Redis, logs, the app.
enum StorageChecks {
  static let all = [secretsOutsideFile, redisAuth, redisInTransit, queryNotLogged, cookieNotForwarded]

  static let secretsOutsideFile = StaticCheck(
    "GH-STO-001", "Secrets are not written in the config file", .storage, .high,
    recommendation:
      "Write secrets as \"env:NAME\" or \"file:PATH\" (a Kubernetes Secret, a mounted file) so the config file can be read, shared and versioned without them."
  ) { config in
    var secrets: [(String, Secret)] = []
    if let session = config.session {
      secrets += session.keys.enumerated().map { ("[session] keys[\($0)]", $1) }
      if let tag = session.userTagKey { secrets.append(("[session] user_tag_key", tag)) }
      if let password = session.redis?.password { secrets.append(("[redis] password", password)) }
    }
    if let token = config.admin.token { secrets.append(("[admin] token", token)) }
    guard !secrets.isEmpty else { return .skipped("no secrets configured") }
    var problems: [String] = []
    var passing: [String] = []
    for (name, secret) in secrets {
      switch secret.origin {
      case .literal: problems.append("\(name) is a literal in the file")
      case .environment(let variable): passing.append("\(name) from env:\(variable)")
      case .file(let path): passing.append("\(name) from file:\(path)")
      }
    }
    return .judging(problems, passing: passing)
  }

  static let redisAuth = StaticCheck(
    "GH-STO-002", "Redis requires a password (AUTH)", .storage, .high,
    recommendation:
      "Enable requirepass (or an ACL user) on Redis and set [redis] password = \"env:REDIS_PASSWORD\"; without AUTH anyone who reaches Redis can read, revoke or flood sessions."
  ) { config in
    guard let redis = config.session?.redis else { return .skipped("sessions are not kept in Redis") }
    guard redis.password != nil else { return .failed("[redis] password is empty: connections send no AUTH") }
    return .passed(redis.username.map { "AUTH as ACL user \($0)" } ?? "AUTH with a password")
  }

  static let redisInTransit = StaticCheck(
    "GH-STO-003", "Redis traffic does not cross the network in clear", .storage, .medium,
    recommendation:
      "hiredis 0.14 has no TLS: reach a remote Redis through a TLS tunnel on loopback (stunnel, a sidecar) or restrict it to the pod network with a NetworkPolicy. Records are sealed, but AUTH and keys travel in clear."
  ) { config in
    guard let redis = config.session?.redis else { return .skipped("sessions are not kept in Redis") }
    let addresses: [SocketAddress]
    switch redis.endpoint {
    case .address(let address): addresses = [address]
    case .sentinels(let sentinels, _): addresses = sentinels
    // Only the seeds are in the file; the nodes the slot map names are found at run time.
    case .cluster(let seeds): addresses = seeds
    }
    let remote = addresses.filter { !$0.ip.isLoopback }
    guard remote.isEmpty else {
      return CheckOutcome(
        .failed,
        remote.map { "\($0) is not on loopback: hiredis 0.14 sends AUTH and commands without TLS" })
    }
    return .passed("Redis on loopback: \(addresses.map(\.description).joined(separator: ", "))")
  }

  static let queryNotLogged = StaticCheck(
    "GH-STO-004", "Access log lines leave out query strings", .storage, .medium,
    recommendation: "Set [log] log_query = false: query strings often carry tokens and personal data."
  ) { config in
    guard config.log.accessLog else { return .passed("[log] access_log = false") }
    return config.log.logQuery
      ? .failed("[log] log_query = true: query strings (tokens, codes) reach the logs")
      : .passed("[log] log_query = false")
  }

  static let cookieNotForwarded = StaticCheck.sessionSwitch(
    "GH-STO-005", "The session cookie is not passed to the app", .storage, .medium,
    recommendation:
      "Set [session] forward_cookie = false: the app never needs the ticket, and whatever it logs or leaks then cannot be replayed.",
    key: "forward_cookie", safe: false, risk: "the app receives every ticket"
  ) { $0.forwardCookie }
}
