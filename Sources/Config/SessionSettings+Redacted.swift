extension SessionSettings {
  /// `[session]`, `[session.cache]`, `[session.migration]` and the Redis tables as TOML for `GatehouseConfig.redactedDescription()`: every
  /// key with its effective value, signing keys and the user tag key as "<redacted>" (their number
  /// is kept so an operator can see how many keys are in rotation).
  func redactedLines() -> [String] {
    func duration(_ value: Duration) -> String { TOMLWriter.basicString(ConfigDuration.format(value)) }
    func nanos(_ value: Int64) -> String { duration(.nanoseconds(value)) }
    func string(_ value: String) -> String { TOMLWriter.basicString(value) }
    let attributes = attributeHeaders.keys.sorted().map {
      "\(string($0)) = \(string(attributeHeaders[$0] ?? ""))"
    }
    return [
      "",
      "[session]",
      "store = \(string(store.rawValue))",
      "keys = \(TOMLWriter.stringArray(keys.map { _ in "<redacted>" }))",
      "user_tag_key = \(string(userTagKey == nil ? "" : "<redacted>"))",
      "cookie_name = \(string(cookieName))",
      "cookie_path = \(string(cookiePath))",
      "cookie_domain = \(string(cookieDomain))",
      "secure_cookie = \(secureCookie)",
      "http_only = \(httpOnly)",
      "same_site = \(string(sameSite.rawValue))",
      "idle_timeout = \(nanos(policy.idleTimeout))",
      "absolute_timeout = \(nanos(policy.absoluteTimeout))",
      "rotation_interval = \(nanos(policy.rotationInterval))",
      "rotation_grace = \(nanos(policy.rotationGrace))",
      "touch_interval = \(nanos(policy.touchInterval))",
      "max_per_user = \(policy.maxPerUser)",
      "on_limit = \(string(policy.onLimit.rawValue))",
      "bind_ip = \(policy.bindIP)",
      "bind_ipv4_prefix = \(policy.ipv4Prefix)",
      "bind_ipv6_prefix = \(policy.ipv6Prefix)",
      "bind_user_agent = \(policy.bindUserAgent)",
      "csrf = \(policy.csrf)",
      "csrf_header = \(string(csrfHeader))",
      "csrf_form_field = \(string(csrfFormField))",
      "csrf_max_form_bytes = \(csrfMaxFormBytes)",
      "csrf_cookie = \(string(csrfCookie))",
      "login_url = \(string(loginURL))",
      "forward_cookie = \(forwardCookie)",
      "login_header = \(string(loginHeader))",
      "attributes_header = \(string(attributesHeader))",
      "logout_header = \(string(logoutHeader))",
      "elevate_header = \(string(elevateHeader))",
      "attribute_headers = {" + (attributes.isEmpty ? "" : " " + attributes.joined(separator: ", ") + " ")
        + "}",
      "",
      "[session.cache]",
      "ttl = \(duration(cacheTTL))",
      "max_entries = \(cacheMaxEntries)",
      "enabled = \(cacheEnabled)",
      "verified_tickets = \(verifiedTickets)",
    ] + (migration?.redactedLines() ?? []) + (redis?.redactedLines() ?? [])
      + (redisTarget?.redactedLines(table: "redis.target") ?? [])
  }
}

extension MigrationSettings {
  /// `[session.migration]` as TOML for `GatehouseConfig.redactedDescription()`.
  func redactedLines() -> [String] {
    func duration(_ value: Duration) -> String { TOMLWriter.basicString(ConfigDuration.format(value)) }
    func string(_ value: String) -> String { TOMLWriter.basicString(value) }
    func rate(_ fraction: Double) -> String {
      let hundredths = Int((fraction * 10_000).rounded())
      let fractional = hundredths % 100
      return string(
        "\(hundredths / 100)"
          + (fractional == 0
            ? ""
            : fractional % 10 == 0 ? ".\(fractional / 10)" : ".\(fractional < 10 ? "0" : "")\(fractional)")
          + "%")
    }
    return [
      "",
      "[session.migration]",
      "mode = \(string(setting.mode.rawValue))",
      "from = \(string(from.rawValue))",
      "to = \(string(to.rawValue))",
      "percentage = \(setting.percentage)",
      "require = \(string(require.rawValue))",
      "drain_window = \(duration(drainWindow))",
      "step_back_error_rate = \(rate(thresholds.errorRate))",
      "step_back_p99 = \(duration(.nanoseconds(Int64(thresholds.p99))))",
      "step_back_mismatch_rate = \(rate(thresholds.mismatchRate))",
      "step_back_window = \(duration(.nanoseconds(Int64(thresholds.window))))",
      "step_back_min_ops = \(thresholds.minimumOperations)",
    ]
  }
}
