import Foundation
import XCTest

@testable import Audit

/// The four report formats over one report that has every verdict, every severity, both sources
/// and evidence with characters each format must escape; JSON and JUnit are also validated against
/// their schemas in docs/.
final class ReportFormatTests: XCTestCase {
  static func definition(_ id: String, _ category: AuditCategory, _ severity: AuditSeverity)
    -> CheckDefinition
  {
    CheckDefinition(
      id: id, title: "Title of \(id)", category: category, severity: severity,
      recommendation: "Fix \(id) <now> & \"then\" | rest")
  }

  static let awkward = "quote \" backslash \\ <tag> & pipe | tab\t bell \u{7} é"

  static let report = AuditReport(
    auditDate: "2026-01-31T12:00:00.000Z", toolVersion: "0.1.0", configPath: "proxy.conf",
    target: "http://127.0.0.1:8000",
    results: [
      CheckResult(
        check: definition("GH-EXP-002", .expiry, .medium), source: .config, outcome: .failed("idle too long")),
      CheckResult(
        check: definition("GH-PROBE-TIMING", .validation, .low), source: .live,
        outcome: .warning("t = 5.1", awkward)),
      CheckResult(
        check: definition("GH-GEN-001", .generation, .critical), source: .config,
        outcome: .failed("keys[0]: 32 bytes", "second\nline")),
      CheckResult(check: definition("GH-GEN-002", .generation, .high), source: .config, outcome: .passed()),
      CheckResult(
        check: definition("GH-STO-001", .storage, .high), source: .config, outcome: .skipped("no [redis]")),
      CheckResult(
        check: definition("GH-VAL-001", .validation, .high), source: .config, outcome: .passed("csrf = true")),
    ])

  func testReportOrderSummaryRecommendationsAndExitStatus() {
    let report = Self.report
    XCTAssertEqual(
      report.results.map(\.check.id),
      ["GH-GEN-001", "GH-GEN-002", "GH-STO-001", "GH-VAL-001", "GH-PROBE-TIMING", "GH-EXP-002"],
      "category order, config before live, then id")
    XCTAssertEqual(report.summary.totalChecks, 6)
    XCTAssertEqual(report.summary.passed, 2)
    XCTAssertEqual(report.summary.failed, 2)
    XCTAssertEqual(report.summary.warnings, 1)
    XCTAssertEqual(report.summary.skipped, 1)
    XCTAssertEqual(report.summary.criticalIssues, 1)
    XCTAssertEqual(
      report.recommendations.map { "\($0.urgency.rawValue) \($0.checkID)" },
      ["IMMEDIATE GH-GEN-001", "MEDIUM GH-EXP-002", "REVIEW GH-PROBE-TIMING"])
    XCTAssertEqual(report.exitStatus, .criticalFailure)
  }

  func testExitStatusFollowsTheWorstFailure() {
    func status(_ outcomes: [(AuditSeverity, CheckOutcome)]) -> AuditReport.ExitStatus {
      let results = outcomes.enumerated().map { index, item in
        CheckResult(
          check: Self.definition("GH-GEN-\(index)", .generation, item.0), source: .config, outcome: item.1)
      }
      return AuditReport(auditDate: "", toolVersion: "", configPath: "", target: nil, results: results)
        .exitStatus
    }
    XCTAssertEqual(status([]), .passed, "nothing to check")
    XCTAssertEqual(status([(.critical, .passed()), (.high, .warning()), (.critical, .skipped())]), .passed)
    XCTAssertEqual(status([(.low, .failed()), (.critical, .passed())]), .failed)
    XCTAssertEqual(status([(.low, .failed()), (.critical, .failed())]), .criticalFailure)
    XCTAssertEqual(status([(.critical, .warning())]), .passed, "a warning never fails")
  }

  func testTextReport() {
    let plain = ReportFormat.text.render(Self.report)
    XCTAssertFalse(plain.contains("\u{1B}["), "no colour unless asked")
    XCTAssertTrue(plain.contains("GENERATION\n  FAIL  GH-GEN-001"), plain)
    XCTAssertTrue(plain.contains("        keys[0]: 32 bytes\n"), "evidence of a failure is shown")
    XCTAssertFalse(plain.contains("csrf = true"), "evidence of a pass is not")
    XCTAssertTrue(plain.contains("WARN  GH-PROBE-TIMING    low      Title of GH-PROBE-TIMING [live]"), plain)
    XCTAssertTrue(plain.contains("Summary: 6 checks: 2 passed, 2 failed (1 critical), 1 warning, 1 skipped"))
    XCTAssertTrue(plain.contains("  IMMEDIATE  GH-GEN-001: Fix GH-GEN-001"))
    XCTAssertTrue(plain.hasSuffix("Exit status 2: a critical check failed.\n"))
    let coloured = ReportFormat.text.render(Self.report, colour: true)
    XCTAssertTrue(coloured.contains("\u{1B}[1;31mFAIL\u{1B}[0m  GH-GEN-001"), "critical failures in bold red")
    XCTAssertTrue(coloured.contains("\u{1B}[31mFAIL\u{1B}[0m  GH-EXP-002"))
    XCTAssertTrue(coloured.contains("\u{1B}[32mPASS\u{1B}[0m"))
    XCTAssertTrue(coloured.contains("\u{1B}[33mWARN\u{1B}[0m"))
  }

  func testJSONReportParsesAndCarriesEveryField() throws {
    let text = ReportFormat.json.render(Self.report)
    let object = try XCTUnwrap(
      JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object:\n\(text)")
    XCTAssertEqual(object["audit_date"] as? String, "2026-01-31T12:00:00.000Z")
    XCTAssertEqual(object["target"] as? String, "http://127.0.0.1:8000")
    XCTAssertEqual(object["exit_status"] as? Int, 2)
    let summary = try XCTUnwrap(object["summary"] as? [String: Int])
    XCTAssertEqual(
      summary,
      ["total_checks": 6, "passed": 2, "failed": 2, "warnings": 1, "skipped": 1, "critical_issues": 1])
    let categories = try XCTUnwrap(object["categories"] as? [String: [String: Any]])
    XCTAssertEqual(
      Set(categories.keys), Set(AuditCategory.allCases.map(\.rawValue)), "every category present")
    let validation = try XCTUnwrap(categories["validation"]?["checks"] as? [[String: Any]])
    XCTAssertEqual(validation.map { $0["id"] as? String }, ["GH-VAL-001", "GH-PROBE-TIMING"])
    XCTAssertEqual(validation[1]["source"] as? String, "live")
    XCTAssertEqual(validation[1]["evidence"] as? [String], ["t = 5.1", Self.awkward], "escaping round-trips")
    let recommendations = try XCTUnwrap(object["recommendations"] as? [[String: String]])
    XCTAssertEqual(recommendations.first?["urgency"], "IMMEDIATE")
    let staticReport = AuditReport(
      auditDate: "2026-01-31T12:00:00Z", toolVersion: "x", configPath: "c", target: nil, results: [])
    let empty = try XCTUnwrap(
      JSONSerialization.jsonObject(with: Data(ReportFormat.json.render(staticReport).utf8)) as? [String: Any])
    XCTAssertTrue(empty["target"] is NSNull, "a static audit has target null")
  }

  func testMarkdownReportEscapesCells() {
    let text = ReportFormat.markdown.render(Self.report)
    XCTAssertTrue(text.hasPrefix("# Gatehouse security audit\n"))
    XCTAssertTrue(text.contains("| 6 | 2 | 2 | 1 | 1 | 1 |"), text)
    XCTAssertTrue(
      text.contains(
        "| **failed** | `GH-GEN-001` | critical | Title of GH-GEN-001 | keys[0]: 32 bytes<br>second<br>line |"
      ))
    XCTAssertTrue(text.contains("pipe \\| tab"), "a | in evidence does not end the cell")
    XCTAssertTrue(text.contains("1. **IMMEDIATE** `GH-GEN-001`: Fix GH-GEN-001 <now> & \"then\" \\| rest"))
  }

  func testJUnitReportEscapesAndCounts() throws {
    let text = ReportFormat.junit.render(Self.report)
    XCTAssertTrue(
      text.contains(#"<testsuites name="gatehouse audit" tests="6" failures="2" errors="0" skipped="1""#),
      text)
    XCTAssertTrue(
      text.contains(#"<testsuite name="generation" tests="2" failures="1" errors="0" skipped="0""#))
    XCTAssertTrue(text.contains(#"<failure message="critical: keys[0]: 32 bytes" type="critical">"#))
    XCTAssertTrue(text.contains("Recommendation: Fix GH-GEN-001 &lt;now&gt; &amp; \"then\" | rest</failure>"))
    XCTAssertTrue(
      text.contains(
        "<system-out>WARNING: t = 5.1\nquote \" backslash \\ &lt;tag&gt; &amp; pipe | tab\t bell \u{FFFD} é</system-out>"
      ))
    XCTAssertTrue(text.contains(#"<skipped message="no [redis]"/>"#))
    XCTAssertFalse(text.contains("\u{7}"), "no character XML 1.0 cannot carry")
  }

  func testJSONAndJUnitMatchTheirSchemas() throws {
    for report in [
      Self.report,
      AuditReport(
        auditDate: "2026-01-31T12:00:00Z", toolVersion: "0.1.0", configPath: "c", target: nil, results: []),
    ] {
      XCTAssertEqual(
        try ReportSchemaValidator.violations(of: ReportFormat.json.render(report), kind: "json"), [])
      XCTAssertEqual(
        try ReportSchemaValidator.violations(of: ReportFormat.junit.render(report), kind: "junit"), [])
    }
  }

  func testTheSchemaValidatorRejectsBrokenReports() throws {
    let json = ReportFormat.json.render(Self.report)
    let wrongCount = json.replacingOccurrences(of: "\"critical_issues\": 1", with: "\"critical_issues\": 0")
    XCTAssertFalse(
      try ReportSchemaValidator.violations(of: wrongCount, kind: "json").isEmpty, "summary must add up")
    let badVerdict = json.replacingOccurrences(of: "\"verdict\": \"warning\"", with: "\"verdict\": \"meh\"")
    XCTAssertFalse(try ReportSchemaValidator.violations(of: badVerdict, kind: "json").isEmpty)
    let junit = ReportFormat.junit.render(Self.report)
    let badType = junit.replacingOccurrences(of: #"type="critical""#, with: #"type="urgent""#)
    XCTAssertFalse(try ReportSchemaValidator.violations(of: badType, kind: "junit").isEmpty)
    let badCount = junit.replacingOccurrences(of: #"tests="6""#, with: #"tests="7""#)
    XCTAssertFalse(try ReportSchemaValidator.violations(of: badCount, kind: "junit").isEmpty)
  }
}
