/// The report as JUnit XML, the format CI test reporters read (Jenkins, GitLab, GitHub Actions
/// reporters): `<testsuites>` with one `<testsuite>` per category that has checks, one
/// `<testcase>` per check (`classname` `gatehouse.audit.<category>`, `name` the id and title).
/// A failed check has a `<failure>` whose `type` is its severity and whose text is the evidence;
/// a skipped check has `<skipped>`; a warning passes with its evidence in `<system-out>`.
/// Validated against docs/audit-junit.xsd. Stateless.
enum JUnitReport {
  static func render(_ report: AuditReport) -> String {
    let s = report.summary
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    out += "<testsuites name=\"gatehouse audit\" tests=\"\(s.totalChecks)\" failures=\"\(s.failed)\" "
    out += "errors=\"0\" skipped=\"\(s.skipped)\" time=\"0\" timestamp=\(attribute(report.auditDate))>\n"
    for category in AuditCategory.allCases {
      let results = report.results(in: category)
      guard !results.isEmpty else { continue }
      let c = AuditSummary(results)
      out += "  <testsuite name=\(attribute(category.rawValue)) tests=\"\(c.totalChecks)\" "
      out += "failures=\"\(c.failed)\" errors=\"0\" skipped=\"\(c.skipped)\" time=\"0\" "
      out += "timestamp=\(attribute(report.auditDate))>\n"
      out += "    <properties>\n"
      out += "      <property name=\"config\" value=\(attribute(report.configPath))/>\n"
      out += "      <property name=\"target\" value=\(attribute(report.target ?? ""))/>\n"
      out += "      <property name=\"gatehouse_version\" value=\(attribute(report.toolVersion))/>\n"
      out += "    </properties>\n"
      for result in results { out += testcase(result, category: category) }
      out += "  </testsuite>\n"
    }
    return out + "</testsuites>\n"
  }

  private static func testcase(_ result: CheckResult, category: AuditCategory) -> String {
    let check = result.check
    let name = "\(check.id) \(check.title)" + (result.source == .live ? " (live)" : "")
    var out =
      "    <testcase name=\(attribute(name)) classname=\"gatehouse.audit.\(category.rawValue)\" time=\"0\""
    let evidence = result.outcome.evidence.joined(separator: "\n")
    switch result.verdict {
    case .passed where evidence.isEmpty:
      return out + "/>\n"
    case .passed, .warning:
      out += ">\n"
      let prefix = result.verdict == .warning ? "WARNING: " : ""
      out += "      <system-out>\(text(prefix + evidence))</system-out>\n"
    case .failed:
      out += ">\n"
      let message = "\(check.severity.rawValue): \(result.outcome.evidence.first ?? check.title)"
      out += "      <failure message=\(attribute(message)) type=\(attribute(check.severity.rawValue))>"
      out += text(evidence + "\nRecommendation: " + check.recommendation) + "</failure>\n"
    case .skipped:
      out += ">\n"
      out += "      <skipped message=\(attribute(result.outcome.evidence.first ?? "not applicable"))/>\n"
    }
    return out + "    </testcase>\n"
  }

  /// A quoted attribute value.
  static func attribute(_ value: String) -> String { "\"" + escape(value, attribute: true) + "\"" }

  /// Element text.
  static func text(_ value: String) -> String { escape(value, attribute: false) }

  /// XML 1.0 escaping; characters XML 1.0 cannot carry at all (other C0 controls, U+FFFE/FFFF)
  /// become U+FFFD, so a stray byte in evidence never makes the file unreadable.
  static func escape(_ value: String, attribute: Bool) -> String {
    var out = ""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"" where attribute: out += "&quot;"
      case "\n" where attribute: out += "&#10;"
      case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
      case "\u{0}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}": out += "\u{FFFD}"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
