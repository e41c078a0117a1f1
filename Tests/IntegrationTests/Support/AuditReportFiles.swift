import Foundation
import XCTest

/// What the audit tests read back from `gatehouse audit`: the JSON report as objects, and the
/// schema validation of JSON and JUnit files (scripts/validate-audit-report.py in the lint venv
/// that scripts/install-lint.sh makes; if it cannot be made the test fails, it never skips).
enum AuditReportFiles {
  private static let venvPython: Result<String, HarnessError> = {
    let script = GatehouseBinary.packageRoot.appendingPathComponent("scripts/install-lint.sh").path
    guard let result = try? DeploymentTests.run(script, [], timeout: 600), result.status == 0,
      let bin = result.stdout.split(separator: "\n").last
    else {
      return .failure(HarnessError("scripts/install-lint.sh failed: the schema validators are required"))
    }
    return .success(String(bin) + "/python")
  }()

  /// Violations of `kind` ("json" or "junit") in the file at `path`; empty when valid.
  static func violations(_ path: String, kind: String) throws -> [String] {
    let script = GatehouseBinary.packageRoot.appendingPathComponent("scripts/validate-audit-report.py").path
    let result = try DeploymentTests.run(try venvPython.get(), [script, kind, path], timeout: 60)
    let lines = result.stdout.split(separator: "\n").map(String.init)
    guard result.status == 0 && lines.isEmpty || result.status == 1 && !lines.isEmpty else {
      throw HarnessError("validate-audit-report.py failed: \(result)")
    }
    return lines
  }

  /// Every check of a JSON report by id: (verdict, severity, evidence).
  static func checks(_ json: String) throws -> [String: (
    verdict: String, severity: String, evidence: [String]
  )] {
    let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
    let categories = object?["categories"] as? [String: [String: Any]] ?? [:]
    var out: [String: (String, String, [String])] = [:]
    for category in categories.values {
      for check in category["checks"] as? [[String: Any]] ?? [] {
        guard let id = check["id"] as? String else { continue }
        out[id] = (
          check["verdict"] as? String ?? "", check["severity"] as? String ?? "",
          check["evidence"] as? [String] ?? []
        )
      }
    }
    return out
  }
}
