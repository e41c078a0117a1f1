import Config
import HTTP1

/// Checks on what each request is held to: binding, CSRF, forged identity headers, JWT claims.
enum ValidationChecks {
  static let all = [
    ipBinding, userAgentBinding, csrf, identityHeadersStripped, jwksOverHTTPS, jwtLeeway, jwtAudiences,
  ]

  static let ipBinding = StaticCheck(
    "GH-VAL-001", "Sessions are bound to the client's subnet", .validation, .high,
    recommendation:
      "Set [session] bind_ip = true with bind_ipv4_prefix between 16 and 32 (default 24) and bind_ipv6_prefix between 48 and 128 (default 64), so a stolen cookie does not work from elsewhere."
  ) { config in
    StaticCheck.session(config) { session in
      let policy = session.policy
      guard policy.bindIP else {
        return .failed("[session] bind_ip = false: a stolen cookie works from any address")
      }
      var problems: [String] = []
      if policy.ipv4Prefix < 16 {
        problems.append(
          "bind_ipv4_prefix = \(policy.ipv4Prefix): a /\(policy.ipv4Prefix) holds most of the Internet")
      }
      if policy.ipv6Prefix < 48 {
        problems.append("bind_ipv6_prefix = \(policy.ipv6Prefix): wider than a site's /48")
      }
      return .judging(
        problems, passing: ["bind_ip = true (IPv4 /\(policy.ipv4Prefix), IPv6 /\(policy.ipv6Prefix))"])
    }
  }

  static let userAgentBinding = StaticCheck.sessionSwitch(
    "GH-VAL-002", "Sessions are bound to the User-Agent", .validation, .medium,
    recommendation:
      "Set [session] bind_user_agent = true: a cookie replayed by another client program is refused (weak on its own, cheap beside the subnet binding).",
    key: "bind_user_agent", safe: true, risk: "a replay need not copy the User-Agent"
  ) { $0.policy.bindUserAgent }

  static let csrf = StaticCheck(
    "GH-VAL-003", "CSRF tokens are required on session routes that take unsafe methods", .validation, .high,
    recommendation:
      "Set [session] csrf = true and send the X-CSRF-Token the app receives back with every form or script request; or limit the session routes to GET and HEAD."
  ) { config in
    StaticCheck.session(config) { session in
      let unsafeRoutes = config.routes.filter { route in
        (route.auth == .session || route.auth == .sessionOrJWT)
          && (route.methods.isEmpty
            || route.methods.contains { !["GET", "HEAD", "OPTIONS", "TRACE"].contains($0) })
      }
      guard !unsafeRoutes.isEmpty else { return .passed("no session route takes an unsafe method") }
      let names = unsafeRoutes.map {
        "\($0.name) (\($0.methods.isEmpty ? "any method" : $0.methods.joined(separator: ",")))"
      }
      return session.policy.csrf
        ? .passed("[session] csrf = true for " + names.joined(separator: ", "))
        : CheckOutcome(
          .failed, ["[session] csrf = false"] + names.map { "route \($0) accepts cross-site form posts" })
    }
  }

  static let identityHeadersStripped = StaticCheck(
    "GH-VAL-004", "Every identity header Gatehouse sets is stripped from client requests", .validation,
    .critical,
    recommendation:
      "Add the missing names to [headers] strip (or a prefix pattern such as \"X-Auth-*\"); otherwise a client can send its own copy and an app that reads the first one believes it."
  ) { config in
    let matcher = FieldNameMatcher(patterns: config.headers.strip)
    var names: [String] = []
    if config.session != nil { names += ["X-User-Id", "X-Auth-Method", "X-Session-Hash"] }
    names += config.jwt.identityHeaderNames
    var seen: Set<String> = []
    names = names.filter { seen.insert($0.lowercased()).inserted }
    guard !names.isEmpty else {
      return .skipped("no [session] and no JWT issuer: no identity headers are set")
    }
    let missing = names.filter { name in !Array(name.utf8).withUnsafeBytes { matcher.matches($0) } }
    var automatic: [String] = []
    if let session = config.session {
      automatic = [session.csrfHeader] + session.attributeHeaders.values.sorted()
    }
    return .judging(
      missing.map { "\($0) is set by Gatehouse but not in [headers] strip: a client's copy reaches the app" },
      passing: ["stripped by [headers] strip: " + names.joined(separator: ", ")]
        + (automatic.isEmpty ? [] : ["always stripped: " + automatic.joined(separator: ", ")]))
  }

  static let jwksOverHTTPS = StaticCheck(
    "GH-VAL-005", "JWT keys come over HTTPS or from a local file", .validation, .high,
    recommendation:
      "Use an https:// jwks_uri (or jwks_file) and remove allow_insecure_http: keys fetched over plain HTTP can be replaced on the way, and then any token verifies."
  ) { config in
    guard !config.jwt.issuers.isEmpty else { return .skipped("no [[jwt.issuer]]") }
    var problems: [String] = []
    var passing: [String] = []
    for issuer in config.jwt.issuers {
      switch issuer.source {
      case .file(let path): passing.append("\(issuer.issuer): jwks_file \(path)")
      case .uri(let url) where url.isTLS: passing.append("\(issuer.issuer): \(url)")
      case .uri(let url):
        if issuer.allowInsecureHTTP {
          problems.append("\(issuer.issuer): \(url) over plain HTTP (allow_insecure_http = true)")
        } else {
          passing.append("\(issuer.issuer): \(url) (plain HTTP, loopback only)")
        }
      }
    }
    return .judging(problems, passing: passing)
  }

  static let jwtLeeway = StaticCheck(
    "GH-VAL-006", "JWT clock leeway is at most 60 s", .validation, .medium,
    recommendation: "Set leeway to 60s or less (default 30s) and keep the clocks in sync with NTP instead."
  ) { config in
    guard !config.jwt.issuers.isEmpty else { return .skipped("no [[jwt.issuer]]") }
    let limit: Duration = .seconds(60)
    let too = config.jwt.issuers.filter { $0.leeway > limit }
    return .judging(
      too.map { "\($0.issuer): leeway = \"\(ConfigDuration.format($0.leeway))\": expired tokens live on" },
      passing: config.jwt.issuers.map { "\($0.issuer): leeway = \"\(ConfigDuration.format($0.leeway))\"" })
  }

  static let jwtAudiences = StaticCheck(
    "GH-VAL-007", "Every JWT issuer has audiences", .validation, .high,
    recommendation:
      "List this deployment's own audience in audiences, so a token the issuer minted for another service is refused here."
  ) { config in
    guard !config.jwt.issuers.isEmpty else { return .skipped("no [[jwt.issuer]]") }
    let empty = config.jwt.issuers.filter { $0.audiences.isEmpty || $0.audiences.contains("") }
    return .judging(
      empty.map { "\($0.issuer): no audience: tokens for any service are accepted" },
      passing: config.jwt.issuers.map { "\($0.issuer): audiences \($0.audiences.joined(separator: ", "))" })
  }
}
