import JWT

/// `[assertion]`: every problem reported at its key's line; a key that does not load as a PEM
/// private key, or whose algorithm is not `algorithm`, is reported here, not at start.
extension ConfigReader {
  static let assertionKeys = [
    "header", "issuer", "audience", "ttl", "algorithm", "keys", "claims", "jwks_max_age",
    "public_jwks_path",
  ]
  static let assertionReservedClaims = ["iss", "aud", "sub", "sid", "amr", "iat", "exp", "jti", "trace_id"]

  mutating func readAssertion(_ root: TOMLTable) -> AssertionSettings? {
    guard let entry = root.entry("assertion") else { return nil }
    guard case .table(let table) = entry.value else {
      report(line: entry.keyLine, key: "assertion", "expected a table [assertion]")
      return nil
    }
    let s = ConfigSection(path: "assertion", title: "[assertion]", table: table)
    let before = issues.count
    checkKeys(s, known: Self.assertionKeys)
    let d = AssertionSettings(issuer: "")
    var header = d.header
    if let (text, line) = string(s, "header") {
      if ConfigSyntax.isToken(text) {
        header = text
      } else {
        report(line: line, key: s.key("header"), "\(quoted(text)) is not a valid header name")
      }
    }
    var issuer = ""
    if let (text, line) = string(s, "issuer") {
      if text.isEmpty || !ConfigReader.isRuleName(text) {
        report(line: line, key: s.key("issuer"), "must be non-empty, without control characters")
      } else {
        issuer = text
      }
    } else if table.entry("issuer") == nil {
      report(
        line: table.line, key: s.key("issuer"),
        "missing; the `iss` of the assertions (a URL naming this proxy)")
    }
    var audience: String?
    if let (text, line) = string(s, "audience"), !text.isEmpty {
      if ConfigReader.isRuleName(text) {
        audience = text
      } else {
        report(line: line, key: s.key("audience"), "contains control characters")
      }
    }
    let ttl = duration(s, "ttl", default: d.ttl, range: .seconds(10) ... .seconds(3600))
    let jwksMaxAge = duration(
      s, "jwks_max_age", default: d.jwksMaxAge, range: .seconds(0) ... .seconds(86400))
    var publicJWKSPath: String?
    if let (text, line) = string(s, "public_jwks_path"), !text.isEmpty {
      if Self.isPlainPath(text) {
        publicJWKSPath = text
      } else {
        report(
          line: line, key: s.key("public_jwks_path"),
          "expected an absolute path such as \"/.well-known/jwks.json\" (no query, no spaces or control characters)"
        )
      }
    }
    var algorithm = d.algorithm
    if let (text, line) = string(s, "algorithm") {
      if ["ES256", "RS256", "EdDSA"].contains(text) {
        algorithm = text
      } else {
        report(
          line: line, key: s.key("algorithm"),
          "unknown algorithm \(quoted(text)); use \"ES256\", \"RS256\" or \"EdDSA\"")
      }
    }
    var keys: [Secret] = []
    for (index, (text, line)) in (stringArray(s, "keys") ?? []).enumerated() {
      let key = "\(s.key("keys"))[\(index)]"
      guard text.hasPrefix("env:") || text.hasPrefix("file:") else {
        report(
          line: line, key: key, "a private key comes from `env:NAME` or `file:PATH`, never the file itself")
        continue
      }
      guard let secret = secret(text, line: line, key: key) else { continue }
      keys.append(secret)
      guard sources.skippedSecret == nil else { continue }
      do {
        let signer = try JWSSigner(pem: Array(secret.revealed.utf8))
        if index == 0, signer.algorithm.rawValue != algorithm {
          report(
            line: line, key: key,
            "the signing key is a \(signer.algorithm.rawValue) key but algorithm = \(quoted(algorithm))")
        }
      } catch {
        report(line: line, key: key, "not a usable PEM private key: \(error)")
      }
    }
    var claims: [(claim: String, source: String)] = []
    if let claimsEntry = table.entry("claims") {
      if case .table(let inner) = claimsEntry.value {
        for member in inner.entries.sorted(by: { $0.key < $1.key }) {
          let key = "\(s.key("claims")).\(member.key)"
          guard case .string(let source) = member.value, ConfigReader.isRuleName(source) else {
            report(line: member.valueLine, key: key, "expected the name of a session attribute or JWT claim")
            continue
          }
          if Self.assertionReservedClaims.contains(member.key) {
            report(line: member.keyLine, key: key, "\(quoted(member.key)) is set by Gatehouse itself")
          } else {
            claims.append((member.key, source))
          }
        }
      } else {
        report(
          line: claimsEntry.valueLine, key: s.key("claims"),
          "expected an inline table such as { roles = \"role\" }, found \(claimsEntry.value.typeName)")
      }
    }
    guard issues.count == before else { return nil }
    return AssertionSettings(
      header: header, issuer: issuer, audience: audience, ttl: ttl, algorithm: algorithm, keys: keys,
      claims: claims, jwksMaxAge: jwksMaxAge, publicJWKSPath: publicJWKSPath)
  }

  /// `/` followed by visible ASCII without `?` or `#`: a path a request target can equal.
  static func isPlainPath(_ text: String) -> Bool {
    text.hasPrefix("/")
      && text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") }
  }
}
