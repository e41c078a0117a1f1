/// How bad a failure of a check is, which decides the exit status and the urgency of its
/// recommendation. `critical` failures make `gatehouse audit` exit 2. Immutable.
public enum AuditSeverity: String, Sendable, CaseIterable, Comparable {
  /// Sessions can be forged, stolen or kept forever, or a secret is exposed.
  case critical
  /// A defence in depth is off; one more mistake makes it critical.
  case high
  /// Weaker than recommended; exploitable only with other conditions.
  case medium
  /// Hygiene.
  case low

  /// `critical` sorts first.
  public static func < (a: AuditSeverity, b: AuditSeverity) -> Bool {
    allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
  }
}
