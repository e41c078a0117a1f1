import JWT

/// The `/status.json` document (docs/dashboard.md lists every member). Numbers are rounded to
/// what a person reads (rates to 0.01, milliseconds to 0.001), so two seconds of the page cost
/// a few kilobytes; a value that cannot be measured yet is `null`, never 0.
extension StatusSnapshot {
  var json: JSONValue {
    var root: [String: JSONValue] = [
      "generated_at": .string(Timestamp.iso8601(nanos: generatedAt)),
      "health": .object([
        "status": .string(health.status.rawValue),
        "reasons": .array(health.reasons.map { .string($0) }),
        "source": .string(health.source),
      ]),
      "traffic": traffic.json,
      "auth": auth.json,
      "jwt": .object(["issuers": .array(issuers.map(\.json))]),
      "process": process.json,
    ]
    root["sessions"] = sessions?.json ?? .null
    return .object(root)
  }

  /// The encoded document with its trailing newline.
  var body: [UInt8] { Array((json.description + "\n").utf8) }
}

/// JSON numbers for the dashboard: nil and non-finite values become `null`.
enum StatusNumber {
  static func rounded(_ value: Double?, places: Int = 2) -> JSONValue {
    guard let value, value.isFinite else { return .null }
    if value == value.rounded(), abs(value) < 1e15 { return .int(Int64(value)) }
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    let result = (value * scale).rounded() / scale
    if result == result.rounded(), abs(result) < 1e15 { return .int(Int64(result)) }
    return .double(result)
  }

  static func series(_ values: [Double?], places: Int = 2) -> JSONValue {
    .array(values.map { rounded($0, places: places) })
  }

  static func object(_ pairs: [(String, Double)]) -> JSONValue {
    var members: [String: JSONValue] = [:]
    for (name, value) in pairs { members[name] = rounded(value) }
    return .object(members)
  }
}

extension TrafficStatus {
  var json: JSONValue {
    var sparklines: [String: JSONValue] = [:]
    for (name, values) in series {
      sparklines[name] = StatusNumber.series(values, places: name.hasSuffix("_ms") ? 3 : 2)
    }
    return .object([
      "window_seconds": .int(Int64(Self.windowSeconds)),
      "requests_per_second": StatusNumber.rounded(requestsPerSecond),
      "responses_per_second": StatusNumber.object(byClass),
      "latency_ms": .object([
        "p50": StatusNumber.rounded(p50Milliseconds, places: 3),
        "p99": StatusNumber.rounded(p99Milliseconds, places: 3),
      ]),
      "series": .object(sparklines),
      "routes": .array(
        routes.map { route in
          .object([
            "name": .string(route.name),
            "requests": StatusNumber.rounded(route.requests),
            "4xx": StatusNumber.rounded(route.clientErrors),
            "5xx": StatusNumber.rounded(route.serverErrors),
            "auth_failures": StatusNumber.rounded(route.authFailures),
          ])
        }),
    ])
  }
}

extension AuthStatus {
  var json: JSONValue {
    var sparklines: [String: JSONValue] = [:]
    for (name, values) in series { sparklines[name] = StatusNumber.series(values) }
    return .object([
      "session_results": .array(
        sessionResults.map { .object(["result": .string($0.0), "count": StatusNumber.rounded($0.1)]) }),
      "csrf_failures": StatusNumber.rounded(csrfFailures),
      "binding_failures": StatusNumber.rounded(bindingFailures),
      "jwt_results": .array(
        jwtResults.map { .object(["result": .string($0.0), "count": StatusNumber.rounded($0.1)]) }),
      "refused_per_second": StatusNumber.rounded(refusedPerSecond),
      "logins_per_minute": StatusNumber.rounded(loginsPerMinute),
      "logouts_per_minute": StatusNumber.rounded(logoutsPerMinute),
      "series": .object(sparklines),
    ])
  }
}

extension SessionStatus {
  var json: JSONValue {
    .object([
      "store": .string(store),
      "active": StatusNumber.rounded(activeSessions),
      "cache": .object([
        "enabled": .bool(cacheEnabled),
        "entries": .int(Int64(cacheEntries)),
        "hit_rate_minute": StatusNumber.rounded(cacheHitRateMinute, places: 4),
        "hit_rate_total": StatusNumber.rounded(cacheHitRateTotal, places: 4),
      ]),
      "redis": redis?.json ?? .null,
    ])
  }
}

extension RedisStatus {
  var json: JSONValue {
    .object([
      "workers": .int(Int64(workers)),
      "connected_workers": .int(Int64(connectedWorkers)),
      "breaker": .string(breaker),
      "open_breakers": .int(Int64(openBreakers)),
      "invalidations_subscribed": .bool(invalidationsSubscribed),
      "p99_ms": StatusNumber.rounded(p99Milliseconds, places: 3),
      "topology": topology?.json ?? .null,
    ])
  }
}

extension RedisTopologyView {
  var json: JSONValue {
    switch self {
    case .single(let address):
      return .object(["kind": .string("single"), "master": .string(address)])
    case .sentinel(let masterName, let master, let replica, let sentinels):
      return .object([
        "kind": .string("sentinel"),
        "master_name": .string(masterName),
        "master": master.map { .string($0) } ?? .null,
        "replica": replica.map { .string($0) } ?? .null,
        "sentinels": .array(sentinels.map { .string($0) }),
      ])
    case .cluster(let shards, let assignedSlots):
      return .object([
        "kind": .string("cluster"),
        "assigned_slots": .int(Int64(assignedSlots)),
        "shards": .array(
          shards.map { shard in
            .object([
              "master": .string(shard.master),
              "replicas": .array(shard.replicas.map { .string($0) }),
              "slots": .int(Int64(shard.slots)),
            ])
          }),
      ])
    }
  }
}

extension IssuerStatus {
  var json: JSONValue {
    .object([
      "name": .string(name),
      "keys": .int(Int64(keys)),
      "usable": .bool(usable),
      "key_set_age_seconds": StatusNumber.rounded(keySetAgeSeconds, places: 0),
      "last_fetch": .string(lastFetch),
      "next_refresh_seconds": StatusNumber.rounded(nextRefreshSeconds, places: 0),
    ])
  }
}

extension ProcessStatus {
  var json: JSONValue {
    .object([
      "version": .string(version),
      "uptime_seconds": StatusNumber.rounded(uptimeSeconds, places: 0),
      "workers": .int(Int64(workers)),
      "config_generation": .int(Int64(configGeneration)),
      "config_loaded_at": .string(Timestamp.iso8601(nanos: configLoadedAt)),
      "rss_bytes": residentBytes.map { .int(Int64($0)) } ?? .null,
      "client_connections": StatusNumber.rounded(clientConnections),
      "upstream_connections": .object([
        "idle": StatusNumber.rounded(upstreamIdle),
        "busy": StatusNumber.rounded(upstreamBusy),
      ]),
    ])
  }
}
