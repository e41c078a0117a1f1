public import Config

/// One static check: a definition and a pure judgement of the validated configuration. No I/O,
/// no clock: the same configuration always gets the same outcome. Immutable.
public struct StaticCheck: Sendable {
  public let definition: CheckDefinition
  private let judge: @Sendable (GatehouseConfig) -> CheckOutcome

  init(
    _ id: String, _ title: String, _ category: AuditCategory, _ severity: AuditSeverity,
    recommendation: String, judge: @escaping @Sendable (GatehouseConfig) -> CheckOutcome
  ) {
    definition = CheckDefinition(
      id: id, title: title, category: category, severity: severity, recommendation: recommendation)
    self.judge = judge
  }

  public func run(_ config: GatehouseConfig) -> CheckResult {
    CheckResult(check: definition, source: .config, outcome: judge(config))
  }

  /// `judge` over `[session]`, or skipped when the file has none (then no route can use sessions).
  static func session(
    _ config: GatehouseConfig, _ judge: (SessionSettings) -> CheckOutcome
  ) -> CheckOutcome {
    guard let session = config.session else { return .skipped("no [session]: no route uses sessions") }
    return judge(session)
  }

  /// A duration from the session policy (nanoseconds) as the config file writes it.
  static func duration(_ nanoseconds: Int64) -> String {
    ConfigDuration.format(.nanoseconds(nanoseconds))
  }
}
