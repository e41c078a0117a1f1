import Codecs

/// The report as one JSON document (docs/audit-report.schema.json; docs/security.md describes
/// each member). Members come in a fixed order and every category is present, so two reports of
/// the same deployment diff cleanly. Stateless.
enum JSONReport {
  static let schemaVersion = 1

  static func render(_ report: AuditReport) -> String {
    var out = "{\n"
    out += "  \"schema_version\": \(schemaVersion),\n"
    out += "  \"audit_date\": \(JSONString.quoted(report.auditDate)),\n"
    out += "  \"gatehouse_version\": \(JSONString.quoted(report.toolVersion)),\n"
    out += "  \"config\": \(JSONString.quoted(report.configPath)),\n"
    out += "  \"target\": \(report.target.map(JSONString.quoted) ?? "null"),\n"
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
        "    \(JSONString.quoted(category.rawValue)): {\"passed\": \(summary.passed), \"failed\": \(summary.failed), "
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
        "    {\"urgency\": \(JSONString.quoted(item.urgency.rawValue)), \"check_id\": \(JSONString.quoted(item.checkID)), "
      out += "\"text\": \(JSONString.quoted(item.text))}"
    }
    out += report.recommendations.isEmpty ? "]\n" : "\n  ]\n"
    return out + "}\n"
  }

  private static func check(_ result: CheckResult) -> String {
    let c = result.check
    var out = "{\"id\": \(JSONString.quoted(c.id)), \"title\": \(JSONString.quoted(c.title)), "
    out +=
      "\"source\": \(JSONString.quoted(result.source.rawValue)), \"severity\": \(JSONString.quoted(c.severity.rawValue)), "
    out += "\"verdict\": \(JSONString.quoted(result.verdict.rawValue)), "
    out += "\"evidence\": [" + result.outcome.evidence.map(JSONString.quoted).joined(separator: ", ") + "], "
    out += "\"recommendation\": \(JSONString.quoted(c.recommendation))}"
    return out
  }
}
