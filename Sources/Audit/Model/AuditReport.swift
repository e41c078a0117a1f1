/// The whole result of `gatehouse audit`: what was audited, every check's result in report
/// order, the summary, the ranked recommendations and the exit status CI gates on. Immutable;
/// the formatters in `Report/` only read it.
public struct AuditReport: Sendable, Equatable {
  /// Exit status of `gatehouse audit`.
  public enum ExitStatus: Int32, Sendable {
    /// Every check passed (warnings and skipped checks allowed).
    case passed = 0
    /// At least one non-critical check failed.
    case failed = 1
    /// At least one critical check failed.
    case criticalFailure = 2
  }

  /// When the audit ran, RFC 3339 UTC ("2026-01-31T12:00:00.000Z"); the caller formats its clock.
  public let auditDate: String
  /// `gatehouse version` of the binary that ran the audit.
  public let toolVersion: String
  /// The configuration file audited.
  public let configPath: String
  /// The deployment probed (`http://host:port`), nil for a static audit.
  public let target: String?
  /// Sorted by category, then source (config before live), then id.
  public let results: [CheckResult]
  public let summary: AuditSummary
  public let recommendations: [AuditRecommendation]

  public init(
    auditDate: String, toolVersion: String, configPath: String, target: String?, results: [CheckResult]
  ) {
    self.auditDate = auditDate
    self.toolVersion = toolVersion
    self.configPath = configPath
    self.target = target
    let ordered = results.enumerated().sorted {
      let a = ($0.element.check.category, $0.element.source == .live ? 1 : 0, $0.element.check.id)
      let b = ($1.element.check.category, $1.element.source == .live ? 1 : 0, $1.element.check.id)
      return a != b ? a < b : $0.offset < $1.offset
    }.map(\.element)
    self.results = ordered
    summary = AuditSummary(ordered)
    recommendations = AuditRecommendation.ranked(ordered)
  }

  public var exitStatus: ExitStatus {
    if summary.criticalIssues > 0 { return .criticalFailure }
    return summary.failed > 0 ? .failed : .passed
  }

  /// The results of one category, in report order.
  public func results(in category: AuditCategory) -> [CheckResult] {
    results.filter { $0.check.category == category }
  }
}
