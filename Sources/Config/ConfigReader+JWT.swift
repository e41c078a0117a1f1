import JWT

/// `[jwt]` and `[[jwt.issuer]]`. Every issuer problem is reported at its key's line; an issuer
/// with problems is left out (routes then fail the "no issuer" check only when none is left).
extension ConfigReader {
  static let jwtKeys = ["token_cookie", "cache_size", "issuer"]
  static let jwtIssuerKeys = [
    "issuer", "audiences", "jwks_uri", "jwks_file", "algorithms", "leeway", "refresh_interval",
    "refetch_interval", "max_stale", "user_claim", "claim_headers", "forward_authorization",
    "required_claims", "session_claim",
    "ca_file", "allow_insecure_http", "fetch_timeout", "max_jwks_bytes", "max_keys", "max_token_bytes",
  ]

  mutating func readJWT(_ s: ConfigSection) -> JWTSettings {
    checkKeys(s, known: Self.jwtKeys)
    let d = JWTSettings()
    var cookie = d.tokenCookie
    if let (text, line) = string(s, "token_cookie") {
      if text.isEmpty || ConfigSyntax.isToken(text) {
        cookie = text
      } else {
        report(line: line, key: s.key("token_cookie"), "\(quoted(text)) is not a valid cookie name")
      }
    }
    let cacheSize = integer(s, "cache_size", default: d.cacheSize, range: 1...10_000_000)
    var issuers: [JWTIssuerConfig] = []
    if let entry = s.table.entry("issuer") {
      if case .array(let array) = entry.value, array.isArrayOfTables {
        var seen: [String: Int] = [:]
        for (index, element) in array.elements.enumerated() {
          guard case .table(let table) = element else { continue }
          let number = index + 1
          let section = ConfigSection(
            path: "jwt.issuer[\(number)]", title: "[[jwt.issuer]] #\(number)", table: table)
          let line = table.line > 0 ? table.line : array.lines[index]
          guard let issuer = readIssuer(section, line: line) else { continue }
          if let first = seen[issuer.issuer] {
            report(
              line: table.entry("issuer")?.valueLine ?? line, key: section.key("issuer"),
              "issuer \(quoted(issuer.issuer)) is configured twice (also jwt.issuer[\(first)])")
            continue
          }
          seen[issuer.issuer] = number
          issuers.append(issuer)
        }
      } else {
        report(
          line: entry.keyLine, key: s.key("issuer"),
          "expected [[jwt.issuer]] (an array of tables), found \(entry.value.typeName)")
      }
    }
    return JWTSettings(tokenCookie: cookie, cacheSize: cacheSize, issuers: issuers)
  }

  /// One issuer, or nil when it has problems (all reported).
  private mutating func readIssuer(_ s: ConfigSection, line: Int) -> JWTIssuerConfig? {
    let before = issues.count
    checkKeys(s, known: Self.jwtIssuerKeys)
    let d = JWTIssuerConfig(issuer: "", audiences: [], source: .file(""))

    var issuer = ""
    if let (text, _) = string(s, "issuer") {
      issuer = text
    } else if s.table.entry("issuer") == nil {
      report(line: line, key: s.key("issuer"), "missing; the exact `iss` value of this issuer's tokens")
    }
    var audiences: [String] = []
    if let list = stringArray(s, "audiences") {
      audiences = list.map(\.value)
    } else if s.table.entry("audiences") == nil {
      report(line: line, key: s.key("audiences"), "missing; at least one accepted `aud` value")
    }
    let algorithms = stringArray(s, "algorithms")?.map(\.value) ?? d.algorithms
    let leeway = duration(s, "leeway", default: d.leeway, range: .zero ... .seconds(600))
    var requiredClaims: [String: JSONValue?] = [:]
    if let entry = s.table.entry("required_claims") {
      if case .table(let table) = entry.value {
        for claim in table.entries {
          switch claim.value {
          case .bool(true): requiredClaims[claim.key] = .some(nil)
          default:
            if let json = Self.json(claim.value) {
              requiredClaims[claim.key] = .some(json)
            } else {
              report(
                line: claim.valueLine, key: "\(s.key("required_claims")).\(claim.key)",
                "expected true (present) or a value to compare, found \(claim.value.typeName)")
            }
          }
        }
      } else {
        report(
          line: entry.valueLine, key: s.key("required_claims"),
          "expected an inline table such as { tenant = \"acme\", email_verified = true }, found \(entry.value.typeName)"
        )
      }
    }
    let maxTokenBytes = size(s, "max_token_bytes", default: d.maxTokenBytes, range: 64...(1 << 20))
    // The JWT library's own checks (empty issuer/audience, algorithms, ranges).
    if issues.count == before {
      do {
        _ = try IssuerSettings(
          issuer: issuer, audiences: audiences, algorithms: algorithms, leeway: leeway.components.seconds,
          requiredClaims: requiredClaims, maxTokenBytes: maxTokenBytes)
      } catch {
        for problem in error.problems { report(line: line, key: s.path, problem) }
      }
    }

    // Key source.
    let uri = string(s, "jwks_uri")
    let file = string(s, "jwks_file")
    let allowInsecure = bool(s, "allow_insecure_http", default: d.allowInsecureHTTP)
    var source: JWKSSource?
    switch (uri, file) {
    case (nil, nil):
      report(line: line, key: s.path, "set jwks_uri or jwks_file")
    case (.some, .some(let (_, fileLine))):
      report(line: fileLine, key: s.path, "set either jwks_uri or jwks_file, not both")
    case (.some(let (text, uriLine)), nil):
      switch JWKSURL.parse(text) {
      case .failure(let error):
        report(line: uriLine, key: s.key("jwks_uri"), "\(quoted(text)) \(error.reason)")
      case .success(let url):
        if !url.isTLS && !url.isLoopbackHost && !allowInsecure {
          report(
            line: uriLine, key: s.key("jwks_uri"),
            "plain http:// is only allowed for loopback hosts; use https:// or set allow_insecure_http = true"
          )
        } else {
          source = .uri(url)
        }
      }
    case (nil, .some(let (path, fileLine))):
      if path.isEmpty {
        report(line: fileLine, key: s.key("jwks_file"), "empty path")
      } else {
        source = .file(ConfigPath.resolve(path, under: baseDirectory))
      }
    }
    var caFile: String?
    if let (path, caLine) = string(s, "ca_file"), !path.isEmpty {
      let resolved = ConfigPath.resolve(path, under: baseDirectory)
      if case .failure(let failure) = sources.readFile(resolved, 4 << 20) {
        report(line: caLine, key: s.key("ca_file"), "cannot read CA file \(resolved): \(failure.reason)")
      } else {
        caFile = resolved
      }
    }

    var userClaim = d.userClaim
    if let (text, claimLine) = string(s, "user_claim") {
      if text.isEmpty {
        report(line: claimLine, key: s.key("user_claim"), "empty claim name")
      } else {
        userClaim = text
      }
    }
    var claimHeaders: [(claim: String, header: String)] = []
    if let entry = s.table.entry("claim_headers") {
      if case .table(let table) = entry.value {
        for claim in table.entries {
          let key = "\(s.key("claim_headers")).\(claim.key)"
          guard case .string(let header) = claim.value else {
            report(line: claim.valueLine, key: key, "expected a header name, found \(claim.value.typeName)")
            continue
          }
          let lower = header.lowercased()
          if !ConfigSyntax.isToken(header) {
            report(line: claim.valueLine, key: key, "\(quoted(header)) is not a valid header name")
          } else if ["x-user-id", "x-auth-method", "authorization", "host", "cookie"].contains(lower)
            || lower.hasPrefix("x-forwarded-") || lower == "content-length" || lower == "transfer-encoding"
            || lower == "connection"
          {
            report(line: claim.valueLine, key: key, "\(quoted(header)) is reserved and cannot carry a claim")
          } else if claimHeaders.contains(where: { $0.header.lowercased() == lower }) {
            report(line: claim.valueLine, key: key, "header \(quoted(header)) is mapped twice")
          } else {
            claimHeaders.append((claim.key, header))
          }
        }
      } else {
        report(
          line: entry.valueLine, key: s.key("claim_headers"),
          "expected an inline table such as { email = \"X-User-Email\" }, found \(entry.value.typeName)")
      }
    }

    let refreshInterval = duration(
      s, "refresh_interval", default: d.refreshInterval, range: .seconds(1) ... .seconds(86400))
    let refetchInterval = duration(
      s, "refetch_interval", default: d.refetchInterval, range: .milliseconds(100) ... .seconds(86400))
    let maxStale = duration(s, "max_stale", default: d.maxStale, range: .seconds(1) ... .seconds(30 * 86400))
    let forward = bool(s, "forward_authorization", default: d.forwardAuthorization)
    var sessionClaim: String?
    if let (text, claimLine) = string(s, "session_claim"), !text.isEmpty {
      if ConfigReader.isRuleName(text) {
        sessionClaim = text
      } else {
        report(line: claimLine, key: s.key("session_claim"), "\(quoted(text)) is not a claim name")
      }
    }
    let fetchTimeout = duration(
      s, "fetch_timeout", default: d.fetchTimeout, range: .milliseconds(10) ... .seconds(120))
    let maxJWKSBytes = size(s, "max_jwks_bytes", default: d.maxJWKSBytes, range: 256...(16 << 20))
    let maxKeys = integer(s, "max_keys", default: d.maxKeys, range: 1...10_000)

    guard issues.count == before, let source else { return nil }
    return JWTIssuerConfig(
      issuer: issuer, audiences: audiences, source: source, algorithms: algorithms, leeway: leeway,
      refreshInterval: refreshInterval, refetchInterval: refetchInterval, maxStale: maxStale,
      userClaim: userClaim, claimHeaders: claimHeaders, forwardAuthorization: forward,
      requiredClaims: requiredClaims, caFile: caFile, allowInsecureHTTP: allowInsecure,
      fetchTimeout: fetchTimeout, maxJWKSBytes: maxJWKSBytes, maxKeys: maxKeys, maxTokenBytes: maxTokenBytes,
      sessionClaim: sessionClaim)
  }

  /// A TOML value as the JSON a claim must equal (strings, numbers, booleans, arrays of them).
  static func json(_ value: TOMLValue) -> JSONValue? {
    switch value {
    case .string(let text): return .string(text)
    case .integer(let number): return .int(number)
    case .float(let number): return .double(number)
    case .bool(let flag): return .bool(flag)
    case .array(let array):
      var out: [JSONValue] = []
      for element in array.elements {
        guard let json = json(element) else { return nil }
        out.append(json)
      }
      return .array(out)
    case .table: return nil
    }
  }
}
