/// The dashboard's headline is `GET /health`'s verdict (docs/operations.md §7): the same
/// evaluator, thresholds and window, so the page and the probe never disagree.
extension HealthMonitor: HealthEvaluating {
  static let verdictSource = "GET /health"

  func evaluate() -> HealthVerdict {
    let report = report()
    let status: HealthVerdict.Status
    switch report.status {
    case .healthy: status = .healthy
    case .degraded: status = .degraded
    case .unhealthy: status = .unhealthy
    }
    return HealthVerdict(status: status, reasons: report.reasons, source: Self.verdictSource)
  }
}
