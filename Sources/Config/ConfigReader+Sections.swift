import Logging
import Net

/// One reader per table of `proxy.conf`. Defaults come from the settings types' initialisers so
/// they live in one place.
extension ConfigReader {
  mutating func readConfig(_ root: TOMLTable) -> GatehouseConfig {
    for entry in root.entries where !ConfigLoader.tables.contains(entry.key) {
      let suggestion = ConfigSuggestion.closest(to: entry.key, among: ConfigLoader.tables)
      switch entry.value {
      case .table:
        report(
          line: entry.keyLine, key: entry.key,
          "unknown table [\(entry.key)]" + (suggestion.map { "; did you mean [\($0)]?" } ?? ""))
      case .array(let array) where array.isArrayOfTables:
        report(
          line: entry.keyLine, key: entry.key,
          "unknown table [[\(entry.key)]]" + (suggestion.map { "; did you mean [[\($0)]]?" } ?? ""))
      default:
        report(
          line: entry.keyLine, key: entry.key,
          "unknown top-level key `\(entry.key)`; settings belong in a table such as [server]")
      }
    }
    let jwt = readJWT(section(root, "jwt"))
    jwtIssuerCount = jwt.issuers.count
    if case .table(let table)? = root["jwt"], table.entry("issuer") != nil { jwtConfigured = true }
    let routes = readRoutes(root)
    let assertion = readAssertion(root)
    if root.entry("session") == nil, case .table(let jwtTable)? = root["jwt"],
      case .array(let issuerTables)? = jwtTable["issuer"]
    {
      // A session-tied token is judged against the session store: there must be one.
      for (index, element) in issuerTables.elements.enumerated() {
        if case .table(let table) = element, let entry = table.entry("session_claim"),
          case .string(let claim) = entry.value, !claim.isEmpty
        {
          report(
            line: entry.keyLine, key: "jwt.issuer[\(index + 1)].session_claim",
            "session_claim needs a [session] table (the sessions the tokens are tied to)")
        }
      }
    }
    return GatehouseConfig(
      server: readServer(section(root, "server")),
      upstream: readUpstream(section(root, "upstream")),
      limits: readLimits(section(root, "limits")),
      admin: readAdmin(section(root, "admin")),
      headers: readHeaders(section(root, "headers")),
      log: readLog(section(root, "log")),
      jwt: jwt.keeping(routes.flatMap { $0.require?.names ?? [] } + (assertion?.tokenClaims ?? [])),
      routes: routes,
      session: readSession(root),
      health: readHealth(section(root, "health")),
      tracing: readTracing(section(root, "tracing")),
      cookiePolicy: readCookiePolicy(root), assertion: assertion)
  }

  // MARK: - [tracing]

  private mutating func readTracing(_ s: ConfigSection) -> TracingSettings {
    checkKeys(s, known: ["sampler", "ratio", "otlp_endpoint", "service_name", "max_queue", "record_user_id"])
    let d = TracingSettings()
    var sampler = d.sampler
    if let (text, line) = string(s, "sampler") {
      if let value = TracingSettings.Sampler(rawValue: text) {
        sampler = value
      } else {
        report(
          line: line, key: s.key("sampler"), "unknown sampler \(quoted(text)); use \"parent_based_ratio\"")
      }
    }
    var address: SocketAddress?
    var path = d.otlpPath
    var host = d.otlpHost
    if let (text, line) = string(s, "otlp_endpoint"), !text.isEmpty {
      // http://host:port[/path]: the collector is on the pod's network (plain OTLP/HTTP).
      if text.hasPrefix("http://") {
        let rest = text.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" }
        let suffix = rest.dropFirst(authority.count)
        host = String(authority)
        if !suffix.isEmpty { path = String(suffix) }
        address = socketAddress(
          String(authority), line: line, key: s.key("otlp_endpoint"), allowPortZero: false)
      } else {
        report(
          line: line, key: s.key("otlp_endpoint"),
          "\(quoted(text)) must be an http:// URL such as \"http://127.0.0.1:4318/v1/traces\"")
      }
    }
    var serviceName = d.serviceName
    if let (text, line) = string(s, "service_name") {
      if text.isEmpty || !text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
        report(line: line, key: s.key("service_name"), "must be non-empty printable ASCII")
      } else {
        serviceName = text
      }
    }
    return TracingSettings(
      sampler: sampler, ratio: fraction(s, "ratio", default: d.ratio), otlpAddress: address, otlpPath: path,
      otlpHost: host, serviceName: serviceName,
      maxQueue: integer(s, "max_queue", default: d.maxQueue, range: 1...1_000_000),
      recordUserID: bool(s, "record_user_id", default: d.recordUserID))
  }

  // MARK: - [health]

  private mutating func readHealth(_ s: ConfigSection) -> HealthSettings {
    checkKeys(s, known: ["window", "max_store_p99", "max_error_rate", "min_l1_hit_rate", "min_samples"])
    let d = HealthSettings()
    return HealthSettings(
      window: duration(s, "window", default: d.window, range: .seconds(1) ... .seconds(3600)),
      maxStoreP99: duration(
        s, "max_store_p99", default: d.maxStoreP99, range: .microseconds(1) ... .seconds(60)),
      maxErrorRate: fraction(s, "max_error_rate", default: d.maxErrorRate),
      minL1HitRate: fraction(s, "min_l1_hit_rate", default: d.minL1HitRate),
      minSamples: integer(s, "min_samples", default: d.minSamples, range: 1...1_000_000))
  }

  /// The named top-level table, or an empty one when absent or mistyped (reported).
  private mutating func section(_ root: TOMLTable, _ name: String) -> ConfigSection {
    var table = TOMLTable(line: 0, entries: [])
    if let entry = root.entry(name) {
      if case .table(let found) = entry.value {
        table = found
      } else {
        report(line: entry.keyLine, key: name, "expected a table [\(name)], found \(entry.value.typeName)")
      }
    }
    return ConfigSection(path: name, title: "[\(name)]", table: table)
  }

  // MARK: - [server]

  private mutating func readServer(_ s: ConfigSection) -> ServerSettings {
    checkKeys(s, known: ["listen", "workers", "drain_timeout", "trusted_proxies"])
    let d = ServerSettings(workers: 0)
    var listen = d.listen
    if let (text, line) = string(s, "listen"),
      let address = socketAddress(text, line: line, key: s.key("listen"), allowPortZero: true)
    {
      listen = address
    }
    let workers = integer(s, "workers", default: 0, range: 0...ServerSettings.maxWorkers)
    var proxies: [CIDR] = []
    for (index, (text, line)) in (stringArray(s, "trusted_proxies") ?? []).enumerated() {
      if let cidr = CIDR(text) {
        proxies.append(cidr)
      } else {
        report(
          line: line, key: "\(s.key("trusted_proxies"))[\(index)]",
          "invalid CIDR \(quoted(text)) (use an address or address/prefix, e.g. \"10.0.0.0/8\")")
      }
    }
    return ServerSettings(
      listen: listen, workers: workers == 0 ? sources.onlineCores : workers,
      drainTimeout: duration(s, "drain_timeout", default: d.drainTimeout, range: .zero ... .seconds(3600)),
      trustedProxies: proxies)
  }

  // MARK: - [upstream]

  private mutating func readUpstream(_ s: ConfigSection) -> UpstreamSettings {
    checkKeys(s, known: ["address", "connect_timeout", "response_timeout", "max_idle"])
    let d = UpstreamSettings()
    var address = d.address
    if let (text, line) = string(s, "address"),
      let resolved = socketAddress(text, line: line, key: s.key("address"), allowPortZero: false)
    {
      address = resolved
    }
    return UpstreamSettings(
      address: address,
      connectTimeout: duration(
        s, "connect_timeout", default: d.connectTimeout, range: .milliseconds(1) ... .seconds(300)),
      responseTimeout: duration(
        s, "response_timeout", default: d.responseTimeout, range: .milliseconds(1) ... .seconds(86400)),
      maxIdle: integer(s, "max_idle", default: d.maxIdle, range: 0...10000))
  }

  // MARK: - [limits]

  private mutating func readLimits(_ s: ConfigSection) -> LimitSettings {
    checkKeys(
      s,
      known: [
        "header_timeout", "idle_timeout", "max_request_line_bytes", "max_header_bytes", "max_headers",
        "max_connections", "max_body_bytes", "body_timeout", "body_min_rate", "refused_methods",
      ])
    let d = LimitSettings()
    return LimitSettings(
      headerTimeout: duration(
        s, "header_timeout", default: d.headerTimeout, range: .milliseconds(1) ... .seconds(3600)),
      idleTimeout: duration(
        s, "idle_timeout", default: d.idleTimeout, range: .milliseconds(1) ... .seconds(86400)),
      maxRequestLineBytes: size(
        s, "max_request_line_bytes", default: d.maxRequestLineBytes, range: 256...(1 << 20)),
      maxHeaderBytes: size(s, "max_header_bytes", default: d.maxHeaderBytes, range: (1 << 10)...(1 << 20)),
      maxHeaders: integer(s, "max_headers", default: d.maxHeaders, range: 1...1000),
      maxConnections: integer(s, "max_connections", default: d.maxConnections, range: 1...1_000_000),
      maxBodyBytes: size(s, "max_body_bytes", default: d.maxBodyBytes, range: 0...Int.max),
      bodyTimeout: duration(
        s, "body_timeout", default: d.bodyTimeout, range: .milliseconds(1) ... .seconds(86400)),
      bodyMinRate: size(s, "body_min_rate", default: d.bodyMinRate, range: 0...(1 << 30)),
      refusedMethods: tokenList(s, "refused_methods", default: d.refusedMethods, what: "method"))
  }

  // MARK: - [admin]

  private mutating func readAdmin(_ s: ConfigSection) -> AdminSettings {
    checkKeys(s, known: ["listen", "token"])
    let d = AdminSettings()
    var listen = d.listen
    if let (text, line) = string(s, "listen") {
      if text == "off" {
        listen = nil
      } else if text.isEmpty {
        report(line: line, key: s.key("listen"), "empty address; use \"off\" to disable the admin listener")
      } else if let address = socketAddress(text, line: line, key: s.key("listen"), allowPortZero: true) {
        listen = address
      }
    }
    var token: Secret?
    if let (text, line) = string(s, "token"), !text.isEmpty {
      token = secret(text, line: line, key: s.key("token"))
    }
    return AdminSettings(listen: listen, token: token)
  }

  // MARK: - [headers]

  private mutating func readHeaders(_ s: ConfigSection) -> HeaderSettings {
    checkKeys(
      s,
      known: [
        "strip", "request_id_header", "method_override_headers", "strip_method_override",
        "method_override_params",
        "authenticated_cache_control",
      ])
    let d = HeaderSettings()
    var strip = d.strip
    if let patterns = stringArray(s, "strip") {
      strip = []
      for (index, (pattern, line)) in patterns.enumerated() {
        if let problem = ConfigSyntax.headerPatternProblem(pattern) {
          report(line: line, key: "\(s.key("strip"))[\(index)]", "\(quoted(pattern)): \(problem)")
        } else {
          strip.append(pattern)
        }
      }
    }
    var requestIdHeader = d.requestIdHeader
    if let (name, line) = string(s, "request_id_header") {
      if ConfigSyntax.isToken(name) {
        requestIdHeader = name
      } else {
        report(line: line, key: s.key("request_id_header"), "\(quoted(name)) is not a valid header name")
      }
    }
    return HeaderSettings(
      strip: strip, requestIdHeader: requestIdHeader,
      methodOverrideHeaders: tokenList(
        s, "method_override_headers", default: d.methodOverrideHeaders, what: "header name"),
      stripMethodOverride: bool(s, "strip_method_override", default: d.stripMethodOverride),
      methodOverrideParams: queryParameterList(s, "method_override_params", default: d.methodOverrideParams),
      authenticatedCacheControl: headerValue(
        s, "authenticated_cache_control", default: d.authenticatedCacheControl))
  }

  // MARK: - [log]

  private mutating func readLog(_ s: ConfigSection) -> LogSettings {
    checkKeys(
      s,
      known: [
        "level", "format", "access_log", "log_query", "security_events_per_second", "security_events_burst",
        "log_user_ids",
      ])
    let d = LogSettings()
    var level = d.level
    if let (text, line) = string(s, "level") {
      if let parsed = Logger.Level(rawValue: text) {
        level = parsed
      } else {
        let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
        report(line: line, key: s.key("level"), "unknown level \(quoted(text)); use one of \(names)")
      }
    }
    var format = d.format
    if let (text, line) = string(s, "format") {
      if let parsed = LogFormat(rawValue: text) {
        format = parsed
      } else {
        report(line: line, key: s.key("format"), "unknown format \(quoted(text)); use json or text")
      }
    }
    return LogSettings(
      level: level, format: format, accessLog: bool(s, "access_log", default: d.accessLog),
      logQuery: bool(s, "log_query", default: d.logQuery),
      securityEventsPerSecond: integer(
        s, "security_events_per_second", default: d.securityEventsPerSecond, range: 0...100_000),
      securityEventsBurst: integer(
        s, "security_events_burst", default: d.securityEventsBurst, range: 1...1_000_000),
      logUserIDs: bool(s, "log_user_ids", default: d.logUserIDs))
  }
}
