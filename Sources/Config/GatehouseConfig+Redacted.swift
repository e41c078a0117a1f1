import JWT

extension GatehouseConfig {
  /// The effective configuration as TOML that `ConfigLoader` reads back (defaults filled in,
  /// `workers` resolved), with every secret shown as "<redacted>". For the admin `/config`
  /// endpoint and `gatehouse check`. A `[session]` dump reads back only once its redacted keys
  /// are replaced (a session key must have at least 32 bytes).
  public func redactedDescription() -> String {
    func duration(_ value: Duration) -> String { TOMLWriter.basicString(ConfigDuration.format(value)) }
    func string(_ value: String) -> String { TOMLWriter.basicString(value) }
    var lines: [String] = []
    lines += [
      "[server]",
      "listen = \(string(server.listen.description))",
      "workers = \(server.workers)",
      "drain_timeout = \(duration(server.drainTimeout))",
      "trusted_proxies = \(TOMLWriter.stringArray(server.trustedProxies.map(\.description)))",
      "",
      "[upstream]",
      "address = \(string(upstream.address.description))",
      "connect_timeout = \(duration(upstream.connectTimeout))",
      "response_timeout = \(duration(upstream.responseTimeout))",
      "max_idle = \(upstream.maxIdle)",
      "",
      "[limits]",
      "header_timeout = \(duration(limits.headerTimeout))",
      "idle_timeout = \(duration(limits.idleTimeout))",
      "max_request_line_bytes = \(limits.maxRequestLineBytes)",
      "max_header_bytes = \(limits.maxHeaderBytes)",
      "max_headers = \(limits.maxHeaders)",
      "max_connections = \(limits.maxConnections)",
      "max_body_bytes = \(limits.maxBodyBytes)",
      "body_timeout = \(duration(limits.bodyTimeout))",
      "body_min_rate = \(limits.bodyMinRate)",
      "refused_methods = \(TOMLWriter.stringArray(limits.refusedMethods))",
      "",
      "[admin]",
      "listen = \(string(admin.listen?.description ?? "off"))",
      "token = \(string(admin.token == nil ? "" : "<redacted>"))",
      "",
      "[headers]",
      "strip = \(TOMLWriter.stringArray(headers.strip))",
      "request_id_header = \(string(headers.requestIdHeader))",
      "method_override_headers = \(TOMLWriter.stringArray(headers.methodOverrideHeaders))",
      "strip_method_override = \(headers.stripMethodOverride)",
      "method_override_params = \(TOMLWriter.stringArray(headers.methodOverrideParams))",
      "authenticated_cache_control = \(string(headers.authenticatedCacheControl))",
      "",
      "[log]",
      "level = \(string(log.level.rawValue))",
      "format = \(string(log.format.rawValue))",
      "access_log = \(log.accessLog)",
      "log_query = \(log.logQuery)",
      "security_events_per_second = \(log.securityEventsPerSecond)",
      "security_events_burst = \(log.securityEventsBurst)",
      "log_user_ids = \(log.logUserIDs)",
      "",
      "[health]",
      "window = \(duration(health.window))",
      "max_store_p99 = \(duration(health.maxStoreP99))",
      "max_error_rate = \(health.maxErrorRate)",
      "min_l1_hit_rate = \(health.minL1HitRate)",
      "min_samples = \(health.minSamples)",
      "",
      "[tracing]",
      "sampler = \(string(tracing.sampler.rawValue))",
      "ratio = \(tracing.ratio)",
      "otlp_endpoint = \(string(tracing.otlpAddress.map { "http://\($0)\(tracing.otlpPath)" } ?? ""))",
      "service_name = \(string(tracing.serviceName))",
      "max_queue = \(tracing.maxQueue)",
      "record_user_id = \(tracing.recordUserID)",
    ]
    lines += [
      "", "[jwt]", "token_cookie = \(string(jwt.tokenCookie))", "cache_size = \(jwt.cacheSize)",
    ]
    for issuer in jwt.issuers { lines += ["", "[[jwt.issuer]]"] + issuer.tomlLines() }
    for route in routes {
      lines += ["", "[[route]]", "name = \(string(route.name))"]
      switch route.match {
      case .prefix(let path): lines.append("path_prefix = \(string(path))")
      case .exact(let path): lines.append("path = \(string(path))")
      }
      if !route.methods.isEmpty { lines.append("methods = \(TOMLWriter.stringArray(route.methods))") }
      lines.append("auth = \(string(route.auth.rawValue))")
      lines.append("on_unauthenticated = \(string(route.onUnauthenticated.rawValue))")
      if let rule = route.require { lines.append("require = \(rule.toml)") }
    }
    if let session { lines += session.redactedLines() }
    if let assertion {
      func duration(_ value: Duration) -> String { TOMLWriter.basicString(ConfigDuration.format(value)) }
      lines += [
        "", "[assertion]", "header = \(string(assertion.header))", "issuer = \(string(assertion.issuer))",
        "audience = \(string(assertion.audience ?? ""))", "ttl = \(duration(assertion.ttl))",
        "algorithm = \(string(assertion.algorithm))",
        "keys = \(TOMLWriter.stringArray(assertion.keys.map { _ in "<redacted>" }))",
        "claims = { "
          + assertion.claims.map { "\(string($0.claim)) = \(string($0.source))" }.joined(separator: ", ")
          + " }",
        "jwks_max_age = \(duration(assertion.jwksMaxAge))",
        "public_jwks_path = \(string(assertion.publicJWKSPath ?? ""))",
      ]
    }
    return lines.joined(separator: "\n") + "\n"
  }
}

extension JWTIssuerConfig {
  /// The issuer's keys as TOML lines (no secrets: a JWKS URL and a CA path are not secret).
  func tomlLines() -> [String] {
    func duration(_ value: Duration) -> String { TOMLWriter.basicString(ConfigDuration.format(value)) }
    func string(_ value: String) -> String { TOMLWriter.basicString(value) }
    var lines = ["issuer = \(string(issuer))", "audiences = \(TOMLWriter.stringArray(audiences))"]
    switch source {
    case .uri(let url): lines.append("jwks_uri = \(string(url.description))")
    case .file(let path): lines.append("jwks_file = \(string(path))")
    }
    lines += [
      "algorithms = \(TOMLWriter.stringArray(algorithms))", "leeway = \(duration(leeway))",
      "refresh_interval = \(duration(refreshInterval))", "refetch_interval = \(duration(refetchInterval))",
      "max_stale = \(duration(maxStale))", "user_claim = \(string(userClaim))",
      "claim_headers = { "
        + claimHeaders.map { "\(string($0.claim)) = \(string($0.header))" }.joined(separator: ", ") + " }",
      "forward_authorization = \(forwardAuthorization)",
      "required_claims = { "
        + requiredClaims.keys.sorted().map { "\(string($0)) = \(Self.toml(requiredClaims[$0]!))" }.joined(
          separator: ", ") + " }",
    ]
    if let caFile { lines.append("ca_file = \(string(caFile))") }
    if let sessionClaim { lines.append("session_claim = \(string(sessionClaim))") }
    lines += [
      "allow_insecure_http = \(allowInsecureHTTP)", "fetch_timeout = \(duration(fetchTimeout))",
      "max_jwks_bytes = \(maxJWKSBytes)", "max_keys = \(maxKeys)", "max_token_bytes = \(maxTokenBytes)",
    ]
    return lines
  }

  /// A required-claim value as TOML (`true` = must be present).
  private static func toml(_ value: JSONValue?) -> String {
    guard let value else { return "true" }
    switch value {
    case .string(let text): return TOMLWriter.basicString(text)
    case .array(let values): return "[" + values.map { toml($0) }.joined(separator: ", ") + "]"
    case .double(let number): return "\(number)"
    default: return value.description
    }
  }
}
