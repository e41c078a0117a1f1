import Foundation
import XCTest

/// Runs `scripts/validate-audit-report.py` (JSON Schema and XSD in docs/) in the venv that
/// `scripts/install-lint.sh` makes; the venv is set up once per test run. If it cannot be set up
/// the calling test fails, it never skips. Thread-safe (the venv is a `let`).
enum ReportSchemaValidator {
  static let packageRoot = URL(fileURLWithPath: #filePath)  // …/Tests/AuditTests/Support/this file
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  private static let venvBin: Result<String, Failure> = {
    let (status, out, err) = run(packageRoot.appendingPathComponent("scripts/install-lint.sh").path, [])
    let last = out.split(separator: "\n").last.map(String.init) ?? ""
    guard status == 0, FileManager.default.isExecutableFile(atPath: last + "/python") else {
      return .failure(Failure(description: "scripts/install-lint.sh failed (\(status)):\n\(out)\n\(err)"))
    }
    return .success(last)
  }()

  /// The validator's complaints about `text` as a `kind` ("json" or "junit") report; empty when valid.
  static func violations(of text: String, kind: String) throws -> [String] {
    let python = try venvBin.get() + "/python"
    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
      "gatehouse-audit-\(UUID().uuidString).\(kind == "json" ? "json" : "xml")")
    try text.write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    let script = packageRoot.appendingPathComponent("scripts/validate-audit-report.py").path
    let (status, out, err) = run(python, [script, kind, file.path])
    let lines = out.split(separator: "\n").map(String.init)
    guard status == 0 && lines.isEmpty || status == 1 && !lines.isEmpty else {
      throw Failure(description: "validate-audit-report.py \(kind) exited \(status):\n\(out)\n\(err)")
    }
    return lines
  }

  /// Runs to completion; stderr goes to a file so neither stream can fill up and block the child.
  private static func run(_ executable: String, _ arguments: [String]) -> (Int32, String, String) {
    let errFile = FileManager.default.temporaryDirectory.appendingPathComponent(
      "gatehouse-audit-\(UUID().uuidString).err")
    FileManager.default.createFile(atPath: errFile.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errFile) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = packageRoot
    let out = Pipe()
    process.standardOutput = out
    process.standardInput = FileHandle.nullDevice
    do {
      process.standardError = try FileHandle(forWritingTo: errFile)
      try process.run()
    } catch {
      return (-1, "", "\(error)")
    }
    let outText = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    let errText = (try? String(contentsOf: errFile, encoding: .utf8)) ?? ""
    return (process.terminationStatus, outText, errText)
  }
}
