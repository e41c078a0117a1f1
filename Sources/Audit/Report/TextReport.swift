/// The report for a terminal: one block per category, one line per check with its verdict, the
/// evidence of everything that did not simply pass indented under it, then the summary, the
/// recommendations and what the exit status means. With `colour`, verdicts are coloured with
/// ANSI SGR codes (the caller decides: a terminal, and `NO_COLOR` unset). Immutable.
struct TextReport {
  let colour: Bool

  private enum Style: String {
    case bold = "1"
    case dim = "2"
    case red = "31"
    case boldRed = "1;31"
    case green = "32"
    case yellow = "33"
  }

  func render(_ report: AuditReport) -> String {
    var out = paint("Gatehouse security audit", .bold) + " — \(report.auditDate)\n"
    out += "config: \(report.configPath)\n"
    out += "target: \(report.target ?? "none (static audit; add --target to probe a deployment)")\n"
    for category in AuditCategory.allCases {
      let results = report.results(in: category)
      guard !results.isEmpty else { continue }
      out += "\n" + paint(category.rawValue.uppercased(), .bold) + "\n"
      for result in results {
        let c = result.check
        out += "  \(label(result))  \(pad(c.id, 18)) \(pad(c.severity.rawValue, 8)) \(c.title)"
        out += result.source == .live ? " [live]\n" : "\n"
        if result.verdict != .passed {
          for line in result.outcome.evidence { out += "        \(paint(line, .dim))\n" }
        }
      }
    }
    let s = report.summary
    out += "\n" + paint("Summary", .bold) + ": \(s.totalChecks) checks: \(s.passed) passed, "
    out +=
      "\(s.failed) failed (\(s.criticalIssues) critical), \(s.warnings) warning\(s.warnings == 1 ? "" : "s"), "
    out += "\(s.skipped) skipped\n"
    if !report.recommendations.isEmpty {
      out += "\n" + paint("Recommendations", .bold) + " (most urgent first):\n"
      for item in report.recommendations {
        let urgency = pad(item.urgency.rawValue, 9)
        out +=
          "  \(item.urgency == .immediate ? paint(urgency, .boldRed) : urgency)  \(item.checkID): \(item.text)\n"
      }
    }
    switch report.exitStatus {
    case .passed: out += "\nExit status 0: every check passed.\n"
    case .failed: out += "\nExit status 1: a non-critical check failed.\n"
    case .criticalFailure: out += "\n" + paint("Exit status 2: a critical check failed.", .boldRed) + "\n"
    }
    return out
  }

  private func label(_ result: CheckResult) -> String {
    switch result.verdict {
    case .passed: paint("PASS", .green)
    case .failed: paint("FAIL", result.check.severity == .critical ? .boldRed : .red)
    case .warning: paint("WARN", .yellow)
    case .skipped: paint("SKIP", .dim)
    }
  }

  private func paint(_ text: String, _ style: Style) -> String {
    colour ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
  }

  private func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
  }
}
