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

  /// A check that passes when a `[session]` switch has its safe value: the evidence is the key
  /// and its value, and on failure what the unsafe value allows (`risk`).
  static func sessionSwitch(
    _ id: String, _ title: String, _ category: AuditCategory, _ severity: AuditSeverity,
    recommendation: String,
    key: String, safe: Bool, risk: String, value: @escaping @Sendable (SessionSettings) -> Bool
  ) -> StaticCheck {
    StaticCheck(id, title, category, severity, recommendation: recommendation) { config in
      session(config) { settings in
        let actual = value(settings)
        return actual == safe
          ? .passed("[session] \(key) = \(actual)") : .failed("[session] \(key) = \(actual): \(risk)")
      }
    }
  }

  /// A duration from the session policy (nanoseconds) as the config file writes it.
  static func duration(_ nanoseconds: Int64) -> String {
    ConfigDuration.format(.nanoseconds(nanoseconds))
  }
}
