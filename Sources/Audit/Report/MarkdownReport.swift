/// The report as GitHub-flavoured Markdown: a summary table, one table per category (every check,
/// evidence in its cell) and the recommendations as a list. Table cells escape `|` and turn line
/// breaks into `<br>`; text is otherwise left alone (evidence holds no markup of its own).
/// Stateless.
enum MarkdownReport {
  static func render(_ report: AuditReport) -> String {
    let s = report.summary
    var out = "# Gatehouse security audit\n\n"
    out += "- Date: \(report.auditDate)\n- Gatehouse: \(report.toolVersion)\n"
    out += "- Config: `\(report.configPath)`\n"
    out += "- Target: \(report.target.map { "`\($0)`" } ?? "none (static audit)")\n"
    out += "- Exit status: \(report.exitStatus.rawValue)\n\n"
    out += "| checks | passed | failed | critical issues | warnings | skipped |\n|---|---|---|---|---|---|\n"
    out +=
      "| \(s.totalChecks) | \(s.passed) | \(s.failed) | \(s.criticalIssues) | \(s.warnings) | \(s.skipped) |\n"
    for category in AuditCategory.allCases {
      let results = report.results(in: category)
      guard !results.isEmpty else { continue }
      out += "\n## \(category.rawValue.prefix(1).uppercased() + category.rawValue.dropFirst())\n\n"
      out += "| result | id | severity | check | evidence |\n|---|---|---|---|---|\n"
      for result in results {
        let c = result.check
        let verdict = result.verdict == .failed ? "**failed**" : result.verdict.rawValue
        let title = cell(c.title + (result.source == .live ? " (live)" : ""))
        out += "| \(verdict) | `\(c.id)` | \(c.severity.rawValue) | \(title) | "
        out += cell(result.outcome.evidence.joined(separator: "\n")) + " |\n"
      }
    }
    if !report.recommendations.isEmpty {
      out += "\n## Recommendations\n\n"
      for item in report.recommendations {
        out += "1. **\(item.urgency.rawValue)** `\(item.checkID)`: \(cell(item.text))\n"
      }
    }
    return out
  }

  static func cell(_ text: String) -> String {
    var out = ""
    for character in text {
      switch character {
      case "|": out += "\\|"
      case "\n": out += "<br>"
      case "\r": continue
      default: out.append(character)
      }
    }
    return out
  }
}
