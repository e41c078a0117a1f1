import HTTP1

/// `[cookie_policy]`, its `[cookie_policy.environments.<name>]` profiles and its
/// `[[cookie_policy.cookie]]` rules (docs/cookies.md). Besides each key's own checks, the rules a
/// browser would make impossible are refused here, so `gatehouse check` names them: `SameSite=None`
/// with `secure = false`, a `__Secure-`/`__Host-` name whose rule breaks its prefix, and a `domain`
/// outside the site of the environment in force.
extension ConfigReader {
  static let cookiePolicyKeys = [
    "environment", "on_unknown", "consent_cookie", "consent_version", "reserved_prefix", "environments",
    "cookie",
  ]
  static let cookieEnvironmentKeys = ["domain", "force_secure", "allowed_subdomains"]
  static let cookieRuleKeys = [
    "name", "category", "secure", "http_only", "same_site", "path", "domain", "max_age",
  ]
  /// Longest `max_age` cap accepted (ten years; browsers cap at 400 days anyway).
  static let maxCookieLifetime: Duration = .seconds(3650 * 24 * 3600)

  mutating func readCookiePolicy(_ root: TOMLTable) -> CookiePolicySettings? {
    guard let entry = root.entry("cookie_policy") else { return nil }
    guard case .table(let table) = entry.value else {
      report(
        line: entry.keyLine, key: "cookie_policy",
        "expected a table [cookie_policy], found \(entry.value.typeName)")
      return nil
    }
    let s = ConfigSection(path: "cookie_policy", title: "[cookie_policy]", table: table)
    let sectionLine = table.line > 0 ? table.line : entry.keyLine
    checkKeys(s, known: Self.cookiePolicyKeys)

    let environments = readCookieEnvironments(s)
    var name = "production"
    var nameLine = sectionLine
    if let (text, line) = string(s, "environment") {
      nameLine = line
      name = resolveEnvironmentName(text, line: line, key: s.key("environment")) ?? ""
    }
    var environment = CookiePolicySettings.Environment(name: name, domain: "localhost", forceSecure: true)
    if let found = environments.first(where: { $0.name == name }) {
      environment = found
    } else if !name.isEmpty {
      let known = environments.map(\.name)
      report(
        line: nameLine, key: s.key("environment"),
        "no [cookie_policy.environments.\(name)]"
          + (known.isEmpty ? "; define one" : "; defined: \(known.joined(separator: ", "))"))
    }

    var onUnknown = CookiePolicySettings.OnUnknown.pass
    if let (text, line) = string(s, "on_unknown") {
      if let value = CookiePolicySettings.OnUnknown(rawValue: text) {
        onUnknown = value
      } else {
        report(
          line: line, key: s.key("on_unknown"),
          "unknown value \(quoted(text)); use \"pass\", \"strip\" or \"essential\"")
      }
    }
    let consentCookie = token(
      s, "consent_cookie", default: CookiePolicySettings.defaultConsentCookie, what: "cookie name")
    let consentVersion = integer(s, "consent_version", default: 1, range: 1...1_000_000)
    var prefix = CookiePolicySettings.defaultReservedPrefix
    if let (text, line) = string(s, "reserved_prefix") {
      if let problem = Self.reservedPrefixProblem(text) {
        report(line: line, key: s.key("reserved_prefix"), problem)
      } else {
        prefix = text
      }
    }
    let rules = readCookieRules(s, environment: environment)
    return CookiePolicySettings(
      environment: environment, onUnknown: onUnknown, consentCookie: consentCookie,
      consentVersion: consentVersion, reservedPrefix: prefix, rules: rules)
  }

  /// `"production"`, or `"env:NAME"`: the value of that environment variable.
  private mutating func resolveEnvironmentName(_ text: String, line: Int, key: String) -> String? {
    guard text.hasPrefix("env:") else { return text }
    let variable = String(text.dropFirst(4))
    guard !variable.isEmpty else {
      report(line: line, key: key, "`env:` needs a variable name")
      return nil
    }
    guard let value = sources.environment[variable], !value.isEmpty else {
      report(line: line, key: key, "environment variable \(variable) is not set")
      return nil
    }
    return value
  }

  /// Starts and ends with "/", has at least one segment, and is a plain path (no dot segments,
  /// no query, no control or non-ASCII bytes).
  static func reservedPrefixProblem(_ text: String) -> String? {
    guard text.count >= 3, text.hasPrefix("/"), text.hasSuffix("/") else {
      return "\(quoted(text)) must start and end with \"/\" and name a segment, such as \"/.gatehouse/\""
    }
    if let problem = ConfigSyntax.routePathProblem(text) { return problem }
    return text.utf8.contains {
      $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") || $0 == UInt8(ascii: "*")
    }
      ? "\(quoted(text)) may not contain ?, # or *" : nil
  }

  private mutating func readCookieEnvironments(_ s: ConfigSection) -> [CookiePolicySettings.Environment] {
    guard let entry = s.table.entry("environments") else { return [] }
    guard case .table(let table) = entry.value else {
      report(
        line: entry.keyLine, key: s.key("environments"),
        "expected tables [cookie_policy.environments.<name>], found \(entry.value.typeName)")
      return []
    }
    var out: [CookiePolicySettings.Environment] = []
    for profile in table.entries {
      guard case .table(let body) = profile.value else {
        report(
          line: profile.keyLine, key: s.key("environments.\(profile.key)"),
          "expected a table [cookie_policy.environments.\(profile.key)], found \(profile.value.typeName)")
        continue
      }
      let e = ConfigSection(
        path: "cookie_policy.environments.\(profile.key)",
        title: "[cookie_policy.environments.\(profile.key)]",
        table: body)
      checkKeys(e, known: Self.cookieEnvironmentKeys)
      var domain = "localhost"
      if let (text, line) = string(e, "domain") {
        if let valid = Self.cookieDomain(text) {
          domain = valid
        } else {
          report(line: line, key: e.key("domain"), "\(quoted(text)) is not a valid domain name")
        }
      } else {
        report(line: body.line > 0 ? body.line : profile.keyLine, key: e.key("domain"), "missing `domain`")
      }
      var subdomains: [String] = []
      for (text, line) in stringArray(e, "allowed_subdomains") ?? [] {
        if let valid = Self.cookieDomain(text) {
          subdomains.append(valid)
        } else {
          report(line: line, key: e.key("allowed_subdomains"), "\(quoted(text)) is not a valid domain label")
        }
      }
      out.append(
        CookiePolicySettings.Environment(
          name: profile.key, domain: domain, forceSecure: bool(e, "force_secure", default: true),
          allowedSubdomains: subdomains))
    }
    return out
  }

  /// Lowercase, without a leading dot, when it is a valid domain name.
  static func cookieDomain(_ text: String) -> String? {
    var lower = Array(text.lowercased().utf8)[...]
    if lower.first == UInt8(ascii: ".") { lower = lower.dropFirst() }
    return SetCookieParser.isValidDomain(lower) ? String(decoding: lower, as: UTF8.self) : nil
  }

  private mutating func readCookieRules(
    _ s: ConfigSection, environment: CookiePolicySettings.Environment
  ) -> [CookiePolicySettings.Rule] {
    guard let entry = s.table.entry("cookie") else { return [] }
    guard case .array(let array) = entry.value, array.isArrayOfTables else {
      report(
        line: entry.keyLine, key: s.key("cookie"),
        "expected [[cookie_policy.cookie]] (an array of tables), found \(entry.value.typeName)")
      return []
    }
    var rules: [CookiePolicySettings.Rule] = []
    for (index, element) in array.elements.enumerated() {
      guard case .table(let table) = element else { continue }
      let number = index + 1
      let section = ConfigSection(
        path: "cookie_policy.cookie[\(number)]", title: "[[cookie_policy.cookie]] #\(number)", table: table)
      let line = table.line > 0 ? table.line : array.lines[index]
      if let rule = readCookieRule(section, line: line, environment: environment) { rules.append(rule) }
    }
    return rules
  }

  /// One rule, or nil when it has problems (all reported).
  private mutating func readCookieRule(
    _ s: ConfigSection, line: Int, environment: CookiePolicySettings.Environment
  ) -> CookiePolicySettings.Rule? {
    let before = issues.count
    checkKeys(s, known: Self.cookieRuleKeys)
    var pattern = ""
    var nameLine = line
    if let (text, at) = string(s, "name") {
      nameLine = at
      if CookieNamePattern(text).isValid {
        pattern = text
      } else {
        report(
          line: at, key: s.key("name"), "\(quoted(text)) is not a cookie name or glob (token bytes and *)")
      }
    } else {
      report(line: line, key: s.key("name"), "missing `name`")
    }
    var category = CookiePolicySettings.Category.essential
    if let (text, at) = string(s, "category") {
      if let value = CookiePolicySettings.Category(rawValue: text) {
        category = value
      } else {
        report(
          line: at, key: s.key("category"),
          "unknown category \(quoted(text)); use \"essential\", \"functional\", \"analytics\" or \"marketing\""
        )
      }
    } else {
      report(line: line, key: s.key("category"), "missing `category`")
    }
    let secure = s.table.entry("secure") != nil ? bool(s, "secure", default: true) : nil
    let httpOnly = s.table.entry("http_only") != nil ? bool(s, "http_only", default: true) : nil
    var sameSite: SetCookie.SameSite?
    var sameSiteLine = line
    if let (text, at) = string(s, "same_site") {
      sameSiteLine = at
      switch text.lowercased() {
      case "strict": sameSite = .strict
      case "lax": sameSite = .lax
      case "none": sameSite = SetCookie.SameSite.none
      default:
        report(
          line: at, key: s.key("same_site"),
          "unknown SameSite \(quoted(text)); use \"Strict\", \"Lax\" or \"None\"")
      }
    }
    var path: String?
    var pathLine = line
    if let (text, at) = string(s, "path") {
      pathLine = at
      if text.hasPrefix("/"), text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ";") }) {
        path = text
      } else {
        report(line: at, key: s.key("path"), "\(quoted(text)) must start with \"/\" (visible ASCII, no ;)")
      }
    }
    var domain: String?
    var domainLine = line
    if let (text, at) = string(s, "domain") {
      domainLine = at
      if let valid = Self.cookieDomain(text) {
        domain = valid
        if !environment.allows(domain: valid) {
          report(
            line: at, key: s.key("domain"),
            "\(quoted(text)) is outside the site of environment \(quoted(environment.name)) (\(environment.domain)\(environment.allowedSubdomains.isEmpty ? "" : " and its allowed subdomains"))"
          )
        }
      } else {
        report(line: at, key: s.key("domain"), "\(quoted(text)) is not a valid domain name")
      }
    }
    var maxAge: Int64?
    if s.table.entry("max_age") != nil {
      let cap = duration(s, "max_age", default: .seconds(0), range: .seconds(1)...Self.maxCookieLifetime)
      maxAge = cap.components.seconds > 0 ? cap.components.seconds : nil
    }
    // What a browser would refuse or a rule would contradict.
    if sameSite == SetCookie.SameSite.none && secure == false {
      report(
        line: sameSiteLine, key: s.key("same_site"),
        "SameSite=None needs Secure; this rule says secure = false")
    }
    let literal = CookieNamePattern(pattern).literalPrefix.lowercased()
    if literal.hasPrefix("__secure-") || literal.hasPrefix("__host-") {
      let host = literal.hasPrefix("__host-")
      let prefix = host ? "__Host-" : "__Secure-"
      if secure == false {
        report(
          line: nameLine, key: s.key("secure"),
          "a \(prefix) cookie needs Secure; this rule says secure = false")
      }
      if host, domain != nil {
        report(line: domainLine, key: s.key("domain"), "a __Host- cookie may not have a Domain")
      }
      if host, let path, path != "/" {
        report(line: pathLine, key: s.key("path"), "a __Host- cookie needs Path=/")
      }
    }
    guard issues.count == before else { return nil }
    return CookiePolicySettings.Rule(
      pattern: pattern, category: category, secure: secure, httpOnly: httpOnly, sameSite: sameSite,
      path: path,
      domain: domain, maxAge: maxAge)
  }
}
