/// `--format`: how the report is written. Immutable.
public enum ReportFormat: String, Sendable, CaseIterable {
  /// For people at a terminal (colour when `colour` is asked for).
  case text
  /// For programs: the schema is docs/audit-report.schema.json.
  case json
  /// For a pull request comment or a wiki page.
  case markdown
  /// JUnit XML for CI test reporters: one testsuite per category, one testcase per check.
  case junit

  /// The whole report in this format, ending with a newline. `colour` applies to `text` only.
  public func render(_ report: AuditReport, colour: Bool = false) -> String {
    switch self {
    case .text: TextReport(colour: colour).render(report)
    case .json: JSONReport.render(report)
    case .markdown: MarkdownReport.render(report)
    case .junit: JUnitReport.render(report)
    }
  }
}
