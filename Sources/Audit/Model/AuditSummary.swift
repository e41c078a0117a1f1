/// The counts at the top of a report. Immutable.
public struct AuditSummary: Sendable, Equatable {
  /// Every check in the report, skipped ones included.
  public let totalChecks: Int
  public let passed: Int
  public let failed: Int
  public let warnings: Int
  public let skipped: Int
  /// Failed checks of severity `critical`.
  public let criticalIssues: Int

  public init(_ results: [CheckResult]) {
    totalChecks = results.count
    passed = results.count { $0.verdict == .passed }
    failed = results.count { $0.verdict == .failed }
    warnings = results.count { $0.verdict == .warning }
    skipped = results.count { $0.verdict == .skipped }
    criticalIssues = results.count { $0.isCriticalFailure }
  }
}
