/// The area of the session system a check belongs to (the audit checklist's sections). The order
/// of the cases is the order of the report. Immutable.
public enum AuditCategory: String, Sendable, CaseIterable, Comparable {
  /// How session ids and keys are made: randomness, key strength.
  case generation
  /// Where session state and secrets live: store, encryption, secrets in files, logs.
  case storage
  /// How the cookie travels: Secure, HttpOnly, SameSite, prefixes, TLS to Redis.
  case transport
  /// What every request is checked against: binding, CSRF, forged headers, tickets, tokens.
  case validation
  /// When a session ends: timeouts, rotation, logout, per-user cap.
  case expiry
  /// How the process is exposed: admin listener, trusted proxies, routes, request framing.
  case deployment

  public static func < (a: AuditCategory, b: AuditCategory) -> Bool {
    allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
  }
}
