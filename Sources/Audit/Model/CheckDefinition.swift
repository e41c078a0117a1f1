/// What a check is, independent of any run: the stable id a CI rule or a suppression can name, a
/// title, where it belongs, how bad its failure is and what to do about one. Immutable.
public struct CheckDefinition: Sendable, Equatable {
  /// `GH-<CATEGORY>-<NNN>` for static checks, `GH-PROBE-<NAME>` for live probes; never reused.
  public let id: String
  public let title: String
  public let category: AuditCategory
  public let severity: AuditSeverity
  /// What to change when the check fails (one or two sentences, imperative).
  public let recommendation: String

  public init(
    id: String, title: String, category: AuditCategory, severity: AuditSeverity, recommendation: String
  ) {
    self.id = id
    self.title = title
    self.category = category
    self.severity = severity
    self.recommendation = recommendation
  }
}
