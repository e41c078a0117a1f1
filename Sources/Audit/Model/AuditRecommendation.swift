/// One thing to do, from a failed (or warning) check, ranked by urgency. Immutable.
public struct AuditRecommendation: Sendable, Equatable {
  /// Most urgent first.
  public enum Urgency: String, Sendable, CaseIterable, Comparable {
    /// A critical check failed: fix before the next deployment.
    case immediate = "IMMEDIATE"
    case high = "HIGH"
    case medium = "MEDIUM"
    case low = "LOW"
    /// A warning: look at the evidence; no failure was proven.
    case review = "REVIEW"

    init(severity: AuditSeverity) {
      switch severity {
      case .critical: self = .immediate
      case .high: self = .high
      case .medium: self = .medium
      case .low: self = .low
      }
    }

    public static func < (a: Urgency, b: Urgency) -> Bool {
      allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
  }

  public let urgency: Urgency
  public let checkID: String
  public let text: String

  public init(urgency: Urgency, checkID: String, text: String) {
    self.urgency = urgency
    self.checkID = checkID
    self.text = text
  }

  /// One per failed or warning result, most urgent first; within an urgency, report order
  /// (category, then check id).
  public static func ranked(_ results: [CheckResult]) -> [AuditRecommendation] {
    var out: [(Int, AuditRecommendation)] = []
    for (index, result) in results.enumerated() {
      let urgency: Urgency
      switch result.verdict {
      case .failed: urgency = Urgency(severity: result.check.severity)
      case .warning: urgency = .review
      case .passed, .skipped: continue
      }
      out.append(
        (
          index,
          AuditRecommendation(urgency: urgency, checkID: result.check.id, text: result.check.recommendation)
        ))
    }
    return out.sorted { ($0.1.urgency, $0.0) < ($1.1.urgency, $1.0) }.map(\.1)
  }
}
