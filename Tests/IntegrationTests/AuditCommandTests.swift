import Foundation
import XCTest

/// `gatehouse audit` as a command: the static audit of weak and good files, the report formats
/// against their schemas, the exit statuses, and the refusal to probe without
/// `--i-own-this-target`.
final class AuditCommandTests: XCTestCase {
  private var directory: TemporaryDirectory!

  override func setUpWithError() throws {
    directory = try TemporaryDirectory(prefix: "gatehouse-audit")
  }

  override func tearDown() {
    directory.remove()
    super.tearDown()
  }

  static let key = "q3N8v0dXrJ6yF1mZbT9wK2eHcL5uAoP7sGiY4xRnQhE="

  /// proxy.conf.example with its session key in a file next to it.
  func exampleConfig(replacing changes: [(String, String)] = []) throws -> String {
    var text = try String(
      contentsOf: GatehouseBinary.packageRoot.appendingPathComponent("proxy.conf.example"), encoding: .utf8)
    text = text.replacingOccurrences(
      of: #"keys = ["env:GATEHOUSE_SESSION_KEY"]"#, with: #"keys = ["file:session.key"]"#)
    for (old, new) in changes {
      XCTAssertTrue(text.contains(old), "proxy.conf.example has no \(old)")
      text = text.replacingOccurrences(of: old, with: new)
    }
    try Self.key.write(toFile: directory.path("session.key"), atomically: true, encoding: .utf8)
    try text.write(toFile: directory.path("proxy.conf"), atomically: true, encoding: .utf8)
    return directory.path("proxy.conf")
  }

  func testTheExampleConfigPassesTheStaticAudit() throws {
    let config = try exampleConfig()
    let result = try GatehouseCommand.run(["audit", "--config", config])
    XCTAssertEqual(result.status, .exited(0), "\(result)")
    XCTAssertTrue(result.stdout.contains("Summary: 28 checks: "), result.stdout)
    XCTAssertTrue(result.stdout.hasSuffix("Exit status 0: every check passed.\n"), result.stdout)
    XCTAssertFalse(result.stdout.contains("\u{1B}["), "no colour when stdout is not a terminal")
  }

  func testAWeakConfigFailsWithEvidenceInEveryFormat() throws {
    let config = try exampleConfig(replacing: [
      ("secure_cookie = true", "secure_cookie = false"),
      ("cookie_name = \"__Host-gatehouse\"", "cookie_name = \"sid\""),
      ("bind_ip = true", "bind_ip = false"), ("csrf = true", "csrf = false"),
      ("rotation_interval = \"5m\"", "rotation_interval = \"0s\""), ("log_query = false", "log_query = true"),
    ])
    let json = try GatehouseCommand.run(["audit", "--config", config, "--format", "json"])
    XCTAssertEqual(json.status, .exited(2), "a critical failure: \(json)")
    let checks = try AuditReportFiles.checks(json.stdout)
    let failed = Set(checks.filter { $0.value.verdict == "failed" }.keys)
    XCTAssertEqual(
      failed, ["GH-TRN-001", "GH-TRN-004", "GH-VAL-001", "GH-VAL-003", "GH-EXP-003", "GH-STO-004"],
      json.stdout)
    XCTAssertEqual(
      checks["GH-TRN-001"]?.evidence,
      ["[session] secure_cookie = false: browsers also send the ticket over plain HTTP"])
    XCTAssertEqual(
      checks["GH-VAL-001"]?.evidence, ["[session] bind_ip = false: a stolen cookie works from any address"])
    XCTAssertTrue(json.stdout.contains(#""urgency": "IMMEDIATE", "check_id": "GH-TRN-001""#), json.stdout)
    try json.stdout.write(toFile: directory.path("report.json"), atomically: true, encoding: .utf8)
    XCTAssertEqual(try AuditReportFiles.violations(directory.path("report.json"), kind: "json"), [])

    let junit = try GatehouseCommand.run([
      "audit", "--config", config, "--format", "junit", "--output", directory.path("report.xml"),
    ])
    XCTAssertEqual(junit.status, .exited(2))
    XCTAssertEqual(junit.stdout, "", "the report went to --output")
    XCTAssertEqual(try AuditReportFiles.violations(directory.path("report.xml"), kind: "junit"), [])
    let xml = try String(contentsOfFile: directory.path("report.xml"), encoding: .utf8)
    XCTAssertTrue(xml.contains(#"<failure message="critical: [session] secure_cookie = false"#), xml)

    let markdown = try GatehouseCommand.run(["audit", "--config", config, "--format", "markdown"])
    XCTAssertTrue(markdown.stdout.contains("| **failed** | `GH-VAL-003` | high |"), markdown.stdout)
    let text = try GatehouseCommand.run(["audit", "--config", config, "--color", "always"])
    XCTAssertTrue(text.stdout.contains("\u{1B}[1;31mFAIL\u{1B}[0m  GH-TRN-001"), text.stdout)
  }

  func testANonCriticalFailureExitsOne() throws {
    let config = try exampleConfig(replacing: [("log_query = false", "log_query = true")])
    let result = try GatehouseCommand.run(["audit", "--config", config])
    XCTAssertEqual(result.status, .exited(1), "\(result)")
    XCTAssertTrue(result.stdout.contains("  MEDIUM     GH-STO-004: "), result.stdout)
  }

  func testLiveProbesNeedTheOwnershipFlag() throws {
    let config = try exampleConfig()
    let bystander = try EchoUpstream()
    defer { bystander.stop() }
    let result = try GatehouseCommand.run([
      "audit", "--config", config, "--target", "http://127.0.0.1:\(bystander.port)", "--login", "/login",
    ])
    XCTAssertEqual(result.status, .exited(64), "\(result)")
    XCTAssertTrue(
      result.stderr.contains("refusing to probe http://127.0.0.1:\(bystander.port)"), result.stderr)
    XCTAssertTrue(result.stderr.contains("--i-own-this-target"), result.stderr)
    XCTAssertEqual(bystander.connectionsAccepted, 0, "nothing was sent to the target")
    let noTarget = try GatehouseCommand.run(["audit", "--config", config, "--i-own-this-target"])
    XCTAssertEqual(noTarget.status, .exited(64), "the flag alone is a usage error: \(noTarget)")
  }

  func testAuditsThatCannotRunExitThree() throws {
    try "[session]\nkeys = [\"short\"]\n".write(
      toFile: directory.path("bad.conf"), atomically: true, encoding: .utf8)
    let bad = try GatehouseCommand.run(["audit", "--config", directory.path("bad.conf")])
    XCTAssertEqual(bad.status, .exited(3), "\(bad)")
    XCTAssertTrue(bad.stderr.contains("bad.conf:2"), "every issue with its line: \(bad.stderr)")
    let port = try PortAllocator.freePort()
    let unreachable = try GatehouseCommand.run([
      "audit", "--config", try exampleConfig(), "--target", "http://127.0.0.1:\(port)", "--login", "/login",
      "--i-own-this-target",
    ])
    XCTAssertEqual(unreachable.status, .exited(3), "\(unreachable)")
    XCTAssertTrue(unreachable.stderr.contains("cannot probe"), unreachable.stderr)
  }
}
