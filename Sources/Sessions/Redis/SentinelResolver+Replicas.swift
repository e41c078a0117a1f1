extension SentinelResolver {
  /// A `RedisAddressSource` for a replica connection (replica reads): every (re)connect asks
  /// the sentinels for the master's healthy replicas and takes the `preference`-th (modulo their
  /// count), so a fleet spreads over all replicas.
  public func replicaAddressSource(preference: Int) -> RedisAddressSource {
    { [weak self] completion in
      guard let self else {
        completion(.failure(.connectFailed("sentinel resolver is gone")))
        return
      }
      self.resolveReplicas { result in
        completion(
          result.flatMap { replicas in
            replicas.isEmpty
              ? .failure(.connectFailed("no healthy replica of \(self.masterName)"))
              : .success(replicas[preference % replicas.count])
          })
      }
    }
  }

  /// Asks the sentinels in order for `SENTINEL REPLICAS <name>` and answers the replicas that
  /// are up and linked to their master (no `s_down`/`o_down`/`disconnected` flag,
  /// `master-link-status` ok), sorted by address. The completion runs once on the loop thread.
  public func resolveReplicas(_ completion: @escaping (Result<[RedisAddress], RedisError>) -> Void) {
    askReplicas(index: 0, lastError: nil, completion)
  }

  private func askReplicas(
    index: Int, lastError: RedisError?, _ completion: @escaping (Result<[RedisAddress], RedisError>) -> Void
  ) {
    guard index < sentinels.count else {
      completion(
        .failure(.connectFailed("no sentinel reachable (last: \(lastError?.description ?? "none"))")))
      return
    }
    var options = RedisConnectionOptions()
    options.connectTimeout = queryTimeout
    options.commandTimeout = queryTimeout
    options.reconnect = false
    let connection = RedisConnection(loop: loop, address: sentinels[index], options: options)
    connection.start()
    connection.send(strings: ["SENTINEL", "REPLICAS", masterName]) { [weak self] result in
      connection.close()
      guard let self else { return }
      switch result {
      case .success(let reply):
        guard let replicas = Self.healthyReplicas(reply) else {
          self.askReplicas(index: index + 1, lastError: .protocol("bad SENTINEL REPLICAS reply"), completion)
          return
        }
        completion(.success(replicas))
      case .failure(let error):
        self.askReplicas(index: index + 1, lastError: error, completion)
      }
    }
  }

  /// From `[[field, value, …], …]`; nil when the reply has another shape.
  static func healthyReplicas(_ reply: RedisReply) -> [RedisAddress]? {
    guard let entries = reply.array else { return nil }
    var out: [RedisAddress] = []
    for entry in entries {
      guard let items = entry.array, items.count % 2 == 0 else { return nil }
      var fields: [String: String] = [:]
      for i in stride(from: 0, to: items.count, by: 2) {
        guard let key = items[i].string, let value = items[i + 1].string else { return nil }
        fields[key] = value
      }
      let flags = (fields["flags"] ?? "").split(separator: ",")
      guard !flags.contains("s_down"), !flags.contains("o_down"), !flags.contains("disconnected"),
        fields["master-link-status"] == "ok", let ip = fields["ip"],
        let port = fields["port"].flatMap({ Int($0) }),
        let address = RedisAddress(host: ip, port: port)
      else { continue }
      out.append(address)
    }
    return out.sorted { ($0.host, $0.port) < ($1.host, $1.port) }
  }
}
