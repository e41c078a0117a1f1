/// What one run of a check found: the verdict and the evidence behind it. Evidence lines are for
/// people and CI logs: they name keys, values that are not secret, status codes and statistics —
/// never a secret, ticket, token or CSRF token (at most a short hash prefix). Immutable.
public struct CheckOutcome: Sendable, Equatable {
  public let verdict: AuditVerdict
  public let evidence: [String]

  public init(_ verdict: AuditVerdict, _ evidence: [String]) {
    self.verdict = verdict
    self.evidence = evidence
  }

  public static func passed(_ evidence: String...) -> CheckOutcome { CheckOutcome(.passed, evidence) }
  public static func failed(_ evidence: String...) -> CheckOutcome { CheckOutcome(.failed, evidence) }
  public static func warning(_ evidence: String...) -> CheckOutcome { CheckOutcome(.warning, evidence) }
  public static func skipped(_ evidence: String...) -> CheckOutcome { CheckOutcome(.skipped, evidence) }

  /// `passed` with `passing` when `problems` is empty, otherwise `verdict` with the problems.
  public static func judging(
    _ problems: [String], passing: [String], otherwise verdict: AuditVerdict = .failed
  ) -> CheckOutcome {
    problems.isEmpty ? CheckOutcome(.passed, passing) : CheckOutcome(verdict, problems)
  }
}
