import Sessions

/// `[session]` and `[session.cache]` (docs/DECISIONS.md §7). Every key is checked on its own (type,
/// range, syntax), then the rules that tie keys together (cookie prefixes, SameSite=None, timeout
/// order). Values with problems fall back to their defaults so the cross-key rules still run on the
/// rest.
extension ConfigReader {
  static let sessionKeys = [
    "store", "keys", "user_tag_key", "cookie_name", "cookie_path", "cookie_domain", "secure_cookie",
    "http_only", "same_site", "idle_timeout", "absolute_timeout", "rotation_interval", "rotation_grace",
    "touch_interval", "max_per_user", "on_limit", "bind_ip", "bind_ipv4_prefix", "bind_ipv6_prefix",
    "bind_user_agent", "csrf", "csrf_header", "csrf_form_field", "csrf_max_form_bytes", "csrf_cookie",
    "login_url", "forward_cookie", "login_header", "attributes_header", "logout_header", "elevate_header",
    "attribute_headers", "cache", "migration", "vault_cookies", "bind_fingerprint",
    "fingerprint_min_similarity",
    "detect",
  ]
  static let sessionCacheKeys = ["ttl", "max_entries", "enabled", "verified_tickets"]

  /// Longest idle and absolute timeouts accepted (a year): beyond that a "session" is a password.
  static let maxSessionLifetime: Duration = .seconds(366 * 24 * 3600)

  /// nil when the file has no `[session]`; otherwise the settings (with defaults where a value had
  /// a problem, which is reported).
  mutating func readSession(_ root: TOMLTable) -> SessionSettings? {
    guard let entry = root.entry("session") else {
      _ = readRedis(root, need: nil)
      _ = readRedisTarget(root, need: nil)
      return nil
    }
    guard case .table(let table) = entry.value else {
      report(line: entry.keyLine, key: "session", "expected a table [session], found \(entry.value.typeName)")
      return nil
    }
    let s = ConfigSection(path: "session", title: "[session]", table: table)
    let sectionLine = table.line > 0 ? table.line : entry.keyLine
    checkKeys(s, known: Self.sessionKeys)
    let d = SessionSettings()

    var store = d.store
    var storeLine = sectionLine
    var storeGiven = false
    if let (text, line) = string(s, "store") {
      storeLine = line
      storeGiven = true
      switch SessionSettings.Store(rawValue: text) {
      case .memory?: store = .memory
      case .redis?: store = .redis
      case nil:
        report(line: line, key: s.key("store"), "unknown store \(quoted(text)); use \"memory\" or \"redis\"")
      }
    }
    let migration = readMigration(table, store: &store, storeGiven: storeGiven, storeLine: &storeLine)

    let keys = readSessionKeys(s, line: sectionLine)
    var userTagKey: Secret?
    if let (text, line) = string(s, "user_tag_key"), !text.isEmpty {
      userTagKey = sessionSecret(text, line: line, key: s.key("user_tag_key"), what: "user tag key")
    }

    let cookieName = token(s, "cookie_name", default: d.cookieName, what: "cookie name")
    let cookiePath = cookiePath(s, default: d.cookiePath)
    let cookieDomain = cookieDomain(s, default: d.cookieDomain)
    let secureCookie = bool(s, "secure_cookie", default: d.secureCookie)
    let httpOnly = bool(s, "http_only", default: d.httpOnly)
    var sameSite = d.sameSite
    if let (text, line) = string(s, "same_site") {
      switch text.lowercased() {
      case "lax": sameSite = .lax
      case "strict": sameSite = .strict
      case "none": sameSite = .none
      default:
        report(
          line: line, key: s.key("same_site"),
          "unknown SameSite \(quoted(text)); use \"Lax\", \"Strict\" or \"None\"")
      }
    }

    var policy = d.policy
    let idle = duration(
      s, "idle_timeout", default: .nanoseconds(d.policy.idleTimeout), range: .zero...Self.maxSessionLifetime)
    let absolute = duration(
      s, "absolute_timeout", default: .nanoseconds(d.policy.absoluteTimeout),
      range: .zero...Self.maxSessionLifetime)
    let rotation = duration(
      s, "rotation_interval", default: .nanoseconds(d.policy.rotationInterval),
      range: .zero ... .seconds(24 * 3600))
    let grace = duration(
      s, "rotation_grace", default: .nanoseconds(d.policy.rotationGrace), range: .zero ... .seconds(3600))
    let touch = duration(
      s, "touch_interval", default: .nanoseconds(d.policy.touchInterval), range: .zero ... .seconds(24 * 3600)
    )
    policy.idleTimeout = Int64(idle.nanoseconds)
    policy.absoluteTimeout = Int64(absolute.nanoseconds)
    policy.rotationInterval = Int64(rotation.nanoseconds)
    policy.rotationGrace = Int64(grace.nanoseconds)
    policy.touchInterval = Int64(touch.nanoseconds)
    policy.maxPerUser = integer(s, "max_per_user", default: d.policy.maxPerUser, range: 0...10000)
    if let (text, line) = string(s, "on_limit") {
      if let action = SessionPolicy.LimitAction(rawValue: text) {
        policy.onLimit = action
      } else {
        report(
          line: line, key: s.key("on_limit"),
          "unknown action \(quoted(text)); use \"evict_oldest\" or \"reject_new\"")
      }
    }
    policy.bindIP = bool(s, "bind_ip", default: d.policy.bindIP)
    policy.ipv4Prefix = integer(s, "bind_ipv4_prefix", default: d.policy.ipv4Prefix, range: 0...32)
    policy.ipv6Prefix = integer(s, "bind_ipv6_prefix", default: d.policy.ipv6Prefix, range: 0...128)
    policy.bindUserAgent = bool(s, "bind_user_agent", default: d.policy.bindUserAgent)
    policy.csrf = bool(s, "csrf", default: d.policy.csrf)
    readFingerprint(s, into: &policy)

    let csrfHeader = token(s, "csrf_header", default: d.csrfHeader, what: "header name")
    let csrfFormField = formFieldName(s, default: d.csrfFormField)
    let csrfMaxFormBytes = size(s, "csrf_max_form_bytes", default: d.csrfMaxFormBytes, range: 0...(1 << 20))
    var csrfCookie = d.csrfCookie
    if let (text, line) = string(s, "csrf_cookie"), !text.isEmpty {
      if !ConfigSyntax.isToken(text) {
        report(line: line, key: s.key("csrf_cookie"), "\(quoted(text)) is not a valid cookie name")
      } else if text == cookieName {
        report(line: line, key: s.key("csrf_cookie"), "must differ from cookie_name \(quoted(cookieName))")
      } else {
        csrfCookie = text
      }
    }
    let loginURL = loginURL(s, default: d.loginURL)
    let forwardCookie = bool(s, "forward_cookie", default: d.forwardCookie)
    let loginHeader = token(s, "login_header", default: d.loginHeader, what: "header name")
    let attributesHeader = token(s, "attributes_header", default: d.attributesHeader, what: "header name")
    let logoutHeader = token(s, "logout_header", default: d.logoutHeader, what: "header name")
    let elevateHeader = token(s, "elevate_header", default: d.elevateHeader, what: "header name")
    let attributeHeaders = attributeHeaders(s)

    // Rules across keys, reported at the key that has to change.
    func line(_ key: String) -> Int { table.entry(key)?.valueLine ?? sectionLine }
    let prefixRules: [(name: String, key: String)] = [
      (cookieName, "cookie_name"), (csrfCookie, "csrf_cookie"),
    ]
    for (name, key) in prefixRules where !name.isEmpty {
      if name.hasPrefix("__Host-") {
        if !secureCookie {
          report(line: line(key), key: s.key(key), "a __Host- cookie name requires secure_cookie = true")
        }
        if cookiePath != "/" {
          report(line: line(key), key: s.key(key), "a __Host- cookie name requires cookie_path = \"/\"")
        }
        if !cookieDomain.isEmpty {
          report(line: line(key), key: s.key(key), "a __Host- cookie name requires an empty cookie_domain")
        }
      } else if name.hasPrefix("__Secure-") && !secureCookie {
        report(line: line(key), key: s.key(key), "a __Secure- cookie name requires secure_cookie = true")
      }
    }
    if sameSite == .none && !secureCookie {
      report(
        line: line("same_site"), key: s.key("same_site"), "same_site = \"None\" requires secure_cookie = true"
      )
    }
    if policy.rotationInterval > 0 && policy.rotationGrace >= policy.rotationInterval {
      report(
        line: line("rotation_grace"), key: s.key("rotation_grace"),
        "must be shorter than rotation_interval (\(ConfigDuration.format(rotation)))")
    }
    if policy.idleTimeout > 0 && policy.touchInterval >= policy.idleTimeout {
      report(
        line: line("touch_interval"), key: s.key("touch_interval"),
        "must be shorter than idle_timeout (\(ConfigDuration.format(idle)))")
    }
    if policy.idleTimeout > 0 && policy.absoluteTimeout > 0 && policy.absoluteTimeout < policy.idleTimeout {
      report(
        line: line("absolute_timeout"), key: s.key("absolute_timeout"),
        "must not be shorter than idle_timeout (\(ConfigDuration.format(idle)))")
    }
    if policy.idleTimeout == 0 && policy.absoluteTimeout == 0 {
      report(
        line: line("absolute_timeout"), key: s.key("absolute_timeout"),
        "idle_timeout and absolute_timeout are both off; sessions would never expire")
    }
    let lifecycleHeaders = [
      ("login_header", loginHeader), ("attributes_header", attributesHeader), ("logout_header", logoutHeader),
      ("elevate_header", elevateHeader),
    ]
    for (index, (key, name)) in lifecycleHeaders.enumerated() {
      if let first = lifecycleHeaders[..<index].first(where: { $0.1.lowercased() == name.lowercased() }) {
        report(line: line(key), key: s.key(key), "\(quoted(name)) is already used by \(first.0)")
      }
    }

    let (cacheTTL, cacheMaxEntries, cacheEnabled, verifiedTickets) = readSessionCache(table, defaults: d)
    let (redisNeed, targetNeed) = Self.redisNeeds(
      store: store, storeLine: storeLine, migration: migration.map { ($0.settings.to, $0.line) })
    let redis = readRedis(root, need: redisNeed)
    let redisTarget = readRedisTarget(root, need: targetNeed)
    let vaultCookies = readVaultCookies(s, owned: [cookieName, csrfCookie])
    let detect = readDetect(table)
    var settings = SessionSettings(
      store: store, keys: keys, userTagKey: userTagKey, cookieName: cookieName, cookiePath: cookiePath,
      cookieDomain: cookieDomain, secureCookie: secureCookie, httpOnly: httpOnly, sameSite: sameSite,
      policy: policy, csrfHeader: csrfHeader, csrfFormField: csrfFormField,
      csrfMaxFormBytes: csrfMaxFormBytes,
      csrfCookie: csrfCookie, loginURL: loginURL, forwardCookie: forwardCookie, loginHeader: loginHeader,
      attributesHeader: attributesHeader, logoutHeader: logoutHeader, elevateHeader: elevateHeader,
      attributeHeaders: attributeHeaders, cacheTTL: cacheTTL, cacheMaxEntries: cacheMaxEntries,
      cacheEnabled: cacheEnabled, redis: redis, migration: migration?.settings, redisTarget: redisTarget)
    settings.vaultCookies = vaultCookies
    settings.detect = detect
    settings.verifiedTickets = verifiedTickets
    return settings
  }

  // MARK: - Pieces

  private mutating func readSessionCache(_ table: TOMLTable, defaults d: SessionSettings) -> (
    Duration, Int, Bool, Int
  ) {
    guard let entry = table.entry("cache") else {
      return (d.cacheTTL, d.cacheMaxEntries, d.cacheEnabled, d.verifiedTickets)
    }
    guard case .table(let cache) = entry.value else {
      report(
        line: entry.keyLine, key: "session.cache",
        "expected a table [session.cache], found \(entry.value.typeName)")
      return (d.cacheTTL, d.cacheMaxEntries, d.cacheEnabled, d.verifiedTickets)
    }
    let c = ConfigSection(path: "session.cache", title: "[session.cache]", table: cache)
    checkKeys(c, known: Self.sessionCacheKeys)
    return (
      duration(c, "ttl", default: d.cacheTTL, range: .milliseconds(1) ... .seconds(3600)),
      integer(c, "max_entries", default: d.cacheMaxEntries, range: 1...10_000_000),
      bool(c, "enabled", default: d.cacheEnabled),
      integer(c, "verified_tickets", default: d.verifiedTickets, range: 2...1_048_576)
    )
  }

  private mutating func readSessionKeys(_ s: ConfigSection, line sectionLine: Int) -> [Secret] {
    guard s.table.entry("keys") != nil else {
      report(
        line: sectionLine, key: s.key("keys"),
        "missing; [session] needs at least one signing key (e.g. keys = [\"env:GATEHOUSE_SESSION_KEY\"])")
      return []
    }
    guard let texts = stringArray(s, "keys") else { return [] }
    guard !texts.isEmpty else {
      report(
        line: s.table.entry("keys")?.valueLine ?? sectionLine, key: s.key("keys"),
        "needs at least one signing key; the first signs, all verify")
      return []
    }
    var keys: [Secret] = []
    for (index, (text, line)) in texts.enumerated() {
      if let key = sessionSecret(text, line: line, key: "\(s.key("keys"))[\(index)]", what: "session key") {
        keys.append(key)
      }
    }
    return keys
  }

  /// A secret (env:/file:/literal) whose resolved value is at least 32 bytes (HMAC-SHA256 key).
  private mutating func sessionSecret(_ text: String, line: Int, key: String, what: String) -> Secret? {
    guard let secret = secret(text, line: line, key: key) else { return nil }
    let count = secret.revealed.utf8.count
    guard count >= TicketKeyRing.minimumKeyByteCount else {
      report(
        line: line, key: key,
        "\(what) has \(count) bytes, at least \(TicketKeyRing.minimumKeyByteCount) needed (e.g. `openssl rand -base64 48`)"
      )
      return nil
    }
    return secret
  }

  /// An HTTP token (header or cookie name); the default when absent or invalid (reported).
  mutating func token(_ s: ConfigSection, _ key: String, default fallback: String, what: String)
    -> String
  {
    guard let (text, line) = string(s, key) else { return fallback }
    guard ConfigSyntax.isToken(text) else {
      report(line: line, key: s.key(key), "\(quoted(text)) is not a valid \(what)")
      return fallback
    }
    return text
  }

  private mutating func cookiePath(_ s: ConfigSection, default fallback: String) -> String {
    guard let (text, line) = string(s, "cookie_path") else { return fallback }
    if let problem = ConfigSyntax.routePathProblem(text) {
      report(line: line, key: s.key("cookie_path"), "\(quoted(text)) \(problem)")
      return fallback
    }
    if text.contains(";") {
      report(
        line: line, key: s.key("cookie_path"), "\(quoted(text)) contains `;`, which ends a cookie attribute")
      return fallback
    }
    return text
  }

  /// "" (host-only) or a domain name: labels of letters, digits and `-`, an optional leading dot.
  private mutating func cookieDomain(_ s: ConfigSection, default fallback: String) -> String {
    guard let (text, line) = string(s, "cookie_domain") else { return fallback }
    guard !text.isEmpty else { return "" }
    let name = text.hasPrefix(".") ? String(text.dropFirst()) : text
    let labels = name.split(separator: ".", omittingEmptySubsequences: false)
    let valid = labels.allSatisfy { label in
      !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
        && label.utf8.allSatisfy {
          ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z"))
            || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z"))
            || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "-")
        }
    }
    guard valid, name.utf8.count <= 253 else {
      report(line: line, key: s.key("cookie_domain"), "\(quoted(text)) is not a valid domain name")
      return fallback
    }
    return text
  }

  /// Form field names are matched byte for byte against the (undecoded) form body, so they are
  /// limited to characters that form encoding leaves alone.
  private mutating func formFieldName(_ s: ConfigSection, default fallback: String) -> String {
    guard let (text, line) = string(s, "csrf_form_field") else { return fallback }
    let valid =
      !text.isEmpty
      && text.utf8.allSatisfy {
        ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z"))
          || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z"))
          || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "-")
          || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
      }
    guard valid else {
      report(
        line: line, key: s.key("csrf_form_field"),
        "\(quoted(text)) is not a valid form field name (letters, digits, `-`, `_`, `.`)")
      return fallback
    }
    return text
  }

  /// A local path: starts with one "/" (never "//" or "/\", which browsers read as another host),
  /// printable ASCII without spaces; a query is allowed (the proxy appends `next`).
  private mutating func loginURL(_ s: ConfigSection, default fallback: String) -> String {
    guard let (text, line) = string(s, "login_url") else { return fallback }
    let bytes = Array(text.utf8)
    let local =
      bytes.first == UInt8(ascii: "/") && bytes.dropFirst().first != UInt8(ascii: "/")
      && bytes.dropFirst().first != UInt8(ascii: "\\")
    guard local else {
      report(
        line: line, key: s.key("login_url"),
        "\(quoted(text)) must be a local path starting with \"/\" (not \"//\" or a full URL)")
      return fallback
    }
    guard bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") && $0 != UInt8(ascii: "#") })
    else {
      report(
        line: line, key: s.key("login_url"),
        "\(quoted(text)) contains a space, `\\`, `#` or a non-ASCII character; percent-encode it")
      return fallback
    }
    return text
  }

  /// `attribute_headers = { role = "X-User-Role" }`: attribute names and header names are tokens;
  /// a header name is used once.
  private mutating func attributeHeaders(_ s: ConfigSection) -> [String: String] {
    guard let entry = s.table.entry("attribute_headers") else { return [:] }
    guard case .table(let table) = entry.value else {
      report(
        line: entry.valueLine, key: s.key("attribute_headers"),
        "expected a table of attribute = \"Header-Name\", found \(entry.value.typeName)")
      return [:]
    }
    var out: [String: String] = [:]
    var used: [String: String] = [:]
    for item in table.entries {
      let key = "\(s.key("attribute_headers")).\(item.key)"
      guard ConfigSyntax.isToken(item.key) else {
        report(line: item.keyLine, key: key, "\(quoted(item.key)) is not a valid attribute name")
        continue
      }
      guard case .string(let header) = item.value else {
        report(line: item.valueLine, key: key, "expected a header name string, found \(item.value.typeName)")
        continue
      }
      guard ConfigSyntax.isToken(header) else {
        report(line: item.valueLine, key: key, "\(quoted(header)) is not a valid header name")
        continue
      }
      if let other = used[header.lowercased()] {
        report(
          line: item.valueLine, key: key, "header \(quoted(header)) is already used for attribute \(other)")
        continue
      }
      used[header.lowercased()] = item.key
      out[item.key] = header
    }
    return out
  }
}
