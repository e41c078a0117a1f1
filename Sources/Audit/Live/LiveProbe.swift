/// One live probe: a definition and a run against the deployment through the context. A probe
/// that throws is reported as failed with the error as evidence (an audit that could not look
/// must not pass).
protocol LiveProbe: Sendable {
  var definition: CheckDefinition { get }
  func run(_ context: LiveAuditContext) throws(AuditError) -> CheckOutcome
}

extension LiveProbe {
  /// Probes about sessions need `[session]` and the login; without them they are skipped.
  func withSessions(_ context: LiveAuditContext, _ body: (SessionAgent) throws(AuditError) -> CheckOutcome)
    throws(AuditError) -> CheckOutcome
  {
    guard let agent = context.agent else { return .skipped("no [session] in the configuration") }
    return try body(agent)
  }
}
