import Sessions

/// `[session] vault_cookies`, `bind_fingerprint`, `fingerprint_min_similarity` and
/// `[session.detect]` (docs/vault.md).
extension ConfigReader {
  static let sessionDetectKeys = [
    "login_method", "login_path", "success_status", "success_cookie", "success_location", "user_field",
    "user_header", "logout_path", "max_form_bytes",
  ]

  /// `bind_fingerprint` (header names, lower-cased) and `fingerprint_min_similarity`.
  mutating func readFingerprint(_ s: ConfigSection, into policy: inout SessionPolicy) {
    policy.bindFingerprint = tokenList(s, "bind_fingerprint", default: [], what: "header name").map {
      $0.lowercased()
    }
    policy.fingerprintMinSimilarity = fraction(
      s, "fingerprint_min_similarity", default: policy.fingerprintMinSimilarity)
  }

  /// Cookie names (tokens, each once, none of Gatehouse's own cookies).
  mutating func readVaultCookies(_ s: ConfigSection, owned: [String]) -> [String] {
    let names = tokenList(s, "vault_cookies", default: [], what: "cookie name")
    let line = s.table.entry("vault_cookies")?.valueLine ?? 0
    var out: [String] = []
    for name in names {
      if owned.contains(where: { !$0.isEmpty && $0.lowercased() == name.lowercased() }) {
        report(line: line, key: s.key("vault_cookies"), "\(quoted(name)) is a cookie Gatehouse owns")
      } else if out.contains(where: { $0.lowercased() == name.lowercased() }) {
        report(line: line, key: s.key("vault_cookies"), "\(quoted(name)) is listed twice")
      } else {
        out.append(name)
      }
    }
    return out
  }

  mutating func readDetect(_ session: TOMLTable) -> LoginDetection? {
    guard let entry = session.entry("detect") else { return nil }
    guard case .table(let table) = entry.value else {
      report(
        line: entry.keyLine, key: "session.detect",
        "expected a table [session.detect], found \(entry.value.typeName)")
      return nil
    }
    let s = ConfigSection(path: "session.detect", title: "[session.detect]", table: table)
    checkKeys(s, known: Self.sessionDetectKeys)
    var d = LoginDetection()
    func line(_ key: String) -> Int {
      table.entry(key)?.valueLine ?? (table.line > 0 ? table.line : entry.keyLine)
    }
    if let (text, line) = string(s, "login_method") {
      if ConfigSyntax.isToken(text) {
        d.loginMethod = text.uppercased()
      } else {
        report(line: line, key: s.key("login_method"), "\(quoted(text)) is not a valid method")
      }
    }
    d.loginPath = detectPath(s, "login_path", default: d.loginPath)
    d.logoutPath = detectPath(s, "logout_path", default: d.logoutPath)
    if let entry = table.entry("success_status") {
      if case .array(let array) = entry.value {
        var statuses: [Int] = []
        var valid = true
        for (index, element) in array.elements.enumerated() {
          if case .integer(let value) = element, (100...599).contains(value) {
            statuses.append(Int(value))
          } else {
            valid = false
            report(
              line: array.lines[index], key: "\(s.key("success_status"))[\(index)]",
              "expected an HTTP status from 100 to 599")
          }
        }
        if valid { d.successStatus = statuses }
      } else {
        report(
          line: entry.valueLine, key: s.key("success_status"),
          "expected an array of statuses, found \(entry.value.typeName)")
      }
    }
    if let (text, line) = string(s, "success_cookie"), !text.isEmpty {
      if ConfigSyntax.isToken(text) {
        d.successCookie = text
      } else {
        report(line: line, key: s.key("success_cookie"), "\(quoted(text)) is not a valid cookie name")
      }
    }
    if let (text, line) = string(s, "success_location") {
      if text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
        d.successLocation = text
      } else {
        report(
          line: line, key: s.key("success_location"),
          "\(quoted(text)) contains a space or a control character")
      }
    }
    if let (text, line) = string(s, "user_field") {
      let valid =
        !text.isEmpty
        && text.utf8.allSatisfy {
          ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == 0x2D || $0 == 0x5F
            || $0 == 0x2E
        }
      if valid {
        d.userField = text
      } else {
        report(
          line: line, key: s.key("user_field"),
          "\(quoted(text)) is not a valid form field name (letters, digits, `-`, `_`, `.`)")
      }
    }
    if let (text, line) = string(s, "user_header"), !text.isEmpty {
      if ConfigSyntax.isToken(text) {
        d.userHeader = text
      } else {
        report(line: line, key: s.key("user_header"), "\(quoted(text)) is not a valid header name")
      }
    }
    d.maxFormBytes = size(s, "max_form_bytes", default: d.maxFormBytes, range: 1...(1 << 20))
    if d.successStatus.isEmpty && d.successCookie.isEmpty && d.successLocation.isEmpty {
      report(
        line: line("success_status"), key: s.key("success_status"),
        "a login needs a success rule: success_status, success_cookie or success_location")
    }
    if !d.logoutPath.isEmpty && d.logoutPath == d.loginPath {
      report(line: line("logout_path"), key: s.key("logout_path"), "must differ from login_path")
    }
    return d
  }

  /// A request path ("/…", no query), or "" where allowed.
  private mutating func detectPath(_ s: ConfigSection, _ key: String, default fallback: String) -> String {
    guard let (text, line) = string(s, key) else { return fallback }
    if text.isEmpty && key == "logout_path" { return "" }
    if let problem = ConfigSyntax.routePathProblem(text) {
      report(line: line, key: s.key(key), "\(quoted(text)) \(problem)")
      return fallback
    }
    return text
  }
}
