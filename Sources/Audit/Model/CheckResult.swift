/// One line of the report: a check and what it found. Immutable.
public struct CheckResult: Sendable, Equatable {
  /// How the check looked: at the configuration only, or at a running deployment.
  public enum Source: String, Sendable {
    case config
    case live
  }

  public let check: CheckDefinition
  public let source: Source
  public let outcome: CheckOutcome

  public init(check: CheckDefinition, source: Source, outcome: CheckOutcome) {
    self.check = check
    self.source = source
    self.outcome = outcome
  }

  public var verdict: AuditVerdict { outcome.verdict }
  public var isFailure: Bool { outcome.verdict == .failed }
  public var isCriticalFailure: Bool { isFailure && check.severity == .critical }
}
