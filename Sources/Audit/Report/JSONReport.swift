/// The report as one JSON document (docs/audit-report.schema.json; docs/security.md describes
/// each member). Members come in a fixed order and every category is present, so two reports of
/// the same deployment diff cleanly. Stateless.
enum JSONReport {
  static let schemaVersion = 1

  static func render(_ report: AuditReport) -> String {
    var out = "{\n"
    out += "  \"schema_version\": \(schemaVersion),\n"
    out += "  \"audit_date\": \(jsonQuoted(report.auditDate)),\n"
    out += "  \"gatehouse_version\": \(jsonQuoted(report.toolVersion)),\n"
    out += "  \"config\": \(jsonQuoted(report.configPath)),\n"
    out += "  \"target\": \(report.target.map(jsonQuoted) ?? "null"),\n"
    let s = report.summary
    out += "  \"summary\": {"
    out += "\"total_checks\": \(s.totalChecks), \"passed\": \(s.passed), \"failed\": \(s.failed), "
    out +=
      "\"warnings\": \(s.warnings), \"skipped\": \(s.skipped), \"critical_issues\": \(s.criticalIssues)},\n"
    out += "  \"exit_status\": \(report.exitStatus.rawValue),\n"
    out += "  \"categories\": {\n"
    let categories = AuditCategory.allCases
    for (index, category) in categories.enumerated() {
      let results = report.results(in: category)
      let summary = AuditSummary(results)
      out +=
        "    \(jsonQuoted(category.rawValue)): {\"passed\": \(summary.passed), \"failed\": \(summary.failed), "
      out += "\"checks\": ["
      for (checkIndex, result) in results.enumerated() {
        out += checkIndex == 0 ? "\n" : ",\n"
        out += "      " + check(result)
      }
      out += results.isEmpty ? "]}" : "\n    ]}"
      out += index == categories.count - 1 ? "\n" : ",\n"
    }
    out += "  },\n"
    out += "  \"recommendations\": ["
    for (index, item) in report.recommendations.enumerated() {
      out += index == 0 ? "\n" : ",\n"
      out +=
        "    {\"urgency\": \(jsonQuoted(item.urgency.rawValue)), \"check_id\": \(jsonQuoted(item.checkID)), "
      out += "\"text\": \(jsonQuoted(item.text))}"
    }
    out += report.recommendations.isEmpty ? "]\n" : "\n  ]\n"
    return out + "}\n"
  }

  private static func check(_ result: CheckResult) -> String {
    let c = result.check
    var out = "{\"id\": \(jsonQuoted(c.id)), \"title\": \(jsonQuoted(c.title)), "
    out +=
      "\"source\": \(jsonQuoted(result.source.rawValue)), \"severity\": \(jsonQuoted(c.severity.rawValue)), "
    out += "\"verdict\": \(jsonQuoted(result.verdict.rawValue)), "
    out += "\"evidence\": [" + result.outcome.evidence.map(jsonQuoted).joined(separator: ", ") + "], "
    out += "\"recommendation\": \(jsonQuoted(c.recommendation))}"
    return out
  }
}
