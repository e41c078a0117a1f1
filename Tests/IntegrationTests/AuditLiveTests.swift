import Foundation
import XCTest

/// The live audit against the built binary: in front of the demo app, configured like the demo,
/// every probe passes; in front of the echo upstream with binding, CSRF, rotation and header
/// stripping switched off, exactly the matching probes fail, with evidence. Both runs must leave
/// no session behind, and their JSON reports must match the schema. Sample sizes are small
/// (24 logins, 150 timing samples) so the mechanics run in seconds.
final class AuditLiveTests: XCTestCase {
  private var directory: TemporaryDirectory!
  private var processes: [GatehouseProcess] = []

  override func setUpWithError() throws {
    directory = try TemporaryDirectory(prefix: "gatehouse-audit-live")
    try AuditCommandTests.key.write(toFile: directory.path("session.key"), atomically: true, encoding: .utf8)
  }

  override func tearDown() {
    for process in processes { process.stop() }
    directory.remove()
    super.tearDown()
  }

  private func start(_ template: String, upstreamPort: UInt16) throws -> GatehouseProcess {
    let process = try GatehouseProcess(config: template, upstreamPort: upstreamPort)
    processes.append(process)
    return process
  }

  /// Runs `gatehouse audit` on `gatehouse`'s own config and target; returns the exit status and
  /// the checks of the JSON report (validated against the schema).
  private func audit(_ gatehouse: GatehouseProcess, _ arguments: [String]) throws -> (
    ExitStatus, [String: (verdict: String, severity: String, evidence: [String])], String
  ) {
    let report = directory.path("report-\(gatehouse.port).json")
    let result = try GatehouseCommand.run(
      [
        "audit", "--config", gatehouse.configPath, "--target", "http://127.0.0.1:\(gatehouse.port)",
        "--i-own-this-target", "--logins", "24", "--timing-samples", "150", "--rotation-wait", "10s",
        "--rate", "0",
        "--format", "json", "--output", report,
      ] + arguments, timeout: 180)
    let json = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
    XCTAssertFalse(json.isEmpty, "no report: \(result)")
    XCTAssertEqual(
      try AuditReportFiles.violations(report, kind: "json"), [], "the live report matches the schema")
    return (result.status, try AuditReportFiles.checks(json), "\(result)\n\(json)")
  }

  private func sessions(_ gatehouse: GatehouseProcess, user: String) throws -> String {
    let client = try RawClient(port: gatehouse.adminPort)
    defer { client.close() }
    try client.sendRequest("GET", "/sessions?user=\(user)", host: "127.0.0.1")
    return try client.readResponse().bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  func testTheDemoPassesEveryProbe() throws {
    let app = try DemoAppProcess()
    defer { app.stop() }
    var config = try String(
      contentsOf: GatehouseBinary.packageRoot.appendingPathComponent("proxy.conf.example"), encoding: .utf8)
    for (old, new) in [
      (#"listen = "0.0.0.0:8000""#, #"listen = "127.0.0.1:{PORT}""#),
      (#"address = "127.0.0.1:8080""#, #"address = "127.0.0.1:{UPSTREAM_PORT}""#),
      (#"listen = "127.0.0.1:9901""#, #"listen = "127.0.0.1:{ADMIN_PORT}""#),
      (#"keys = ["env:GATEHOUSE_SESSION_KEY"]"#, #"keys = ["file:\#(directory.path("session.key"))"]"#),
      // So the rotation probe can watch a rotation within the test.
      (#"rotation_interval = "5m""#, #"rotation_interval = "2s""#),
      (#"rotation_grace = "10s""#, #"rotation_grace = "1s""#),
      ("workers = 0", "workers = 2"),
    ] {
      XCTAssertTrue(config.contains(old), "proxy.conf.example has no \(old)")
      config = config.replacingOccurrences(of: old, with: new)
    }
    let gatehouse = try start(config, upstreamPort: app.port)
    let (status, checks, output) = try audit(
      gatehouse,
      [
        "--login", "/login", "--login-field", "username={user}", "--login-field", "password=demo", "--user",
        "audit-demo", "--reflect", "/api/whoami", "--logout", "/logout",
      ])
    XCTAssertEqual(status, .exited(0), output)
    let live = checks.filter { $0.key.hasPrefix("GH-PROBE-") }
    XCTAssertEqual(live.count, 12, output)
    for (id, check) in live {
      let allowed = id == "GH-PROBE-TIMING" ? ["passed", "warning"] : ["passed"]
      XCTAssertTrue(allowed.contains(check.verdict), "\(id) \(check.verdict): \(check.evidence)")
    }
    XCTAssertTrue(
      live["GH-PROBE-HIJACK"]?.evidence.contains {
        $0.hasPrefix("replay from 127.1.0.1 (a second loopback address) refused")
      }
        == true, "\(live["GH-PROBE-HIJACK"]?.evidence ?? [])")
    XCTAssertEqual(
      try sessions(gatehouse, user: "audit-demo"), #"{"user":"audit-demo","sessions":[]}"#, "cleaned up")
  }

  /// `scripts/audit-demo.sh`, the README's way to audit the demo, passes as it is.
  func testTheAuditDemoScriptPasses() throws {
    let result = try DeploymentTests.run(
      GatehouseBinary.packageRoot.appendingPathComponent("scripts/audit-demo.sh").path,
      ["--logins", "16", "--timing-samples", "60", "--rate", "0", "--format", "json"],
      environment: [
        "GATEHOUSE_BIN": try GatehouseBinary.require(),
        "GATEHOUSE_DEMO_PORT": String(try PortAllocator.freePort()),
        "GATEHOUSE_DEMO_ADMIN_PORT": String(try PortAllocator.freePort()),
        "GATEHOUSE_DEMO_APP_PORT": String(try PortAllocator.freePort()),
      ], timeout: 180)
    XCTAssertEqual(result.status, 0, "\(result)")
    let checks = try AuditReportFiles.checks(result.stdout)
    XCTAssertEqual(checks.count, 40, result.stdout)
    XCTAssertEqual(checks.filter { $0.value.verdict == "failed" }.map(\.key), [], result.stdout)
  }

  func testAMisconfiguredGatehouseFailsTheMatchingProbes() throws {
    let upstream = try EchoUpstream()
    defer { upstream.stop() }
    let config = """
      [server]
      listen = "127.0.0.1:{PORT}"
      workers = 2

      [upstream]
      address = "127.0.0.1:{UPSTREAM_PORT}"

      [admin]
      listen = "127.0.0.1:{ADMIN_PORT}"

      [headers]
      strip = ["Gatehouse-*"]

      [session]
      keys = ["file:\(directory.path("session.key"))"]
      secure_cookie = false
      cookie_name = "gh_session"
      bind_ip = false
      bind_user_agent = false
      csrf = false
      rotation_interval = "0s"

      [[route]]
      path_prefix = "/login-as/"
      auth = "public"

      [[route]]
      path = "/logout-this"
      auth = "session"

      [[route]]
      path_prefix = "/"
      auth = "session"
      """
    let gatehouse = try start(config, upstreamPort: upstream.port)
    let (status, checks, output) = try audit(
      gatehouse,
      [
        "--login", "/login-as/{user}", "--login-method", "GET", "--user", "audit-weak", "--reflect",
        "/whoami",
        "--logout", "/logout-this",
      ])
    XCTAssertEqual(status, .exited(2), "a critical probe failed: \(output)")
    let failed = Set(checks.filter { $0.key.hasPrefix("GH-PROBE-") && $0.value.verdict == "failed" }.keys)
    XCTAssertEqual(
      failed, ["GH-PROBE-COOKIE", "GH-PROBE-HIJACK", "GH-PROBE-CSRF", "GH-PROBE-ROTATION", "GH-PROBE-SPOOF"],
      output)
    func evidence(_ id: String) -> String { checks[id]?.evidence.joined(separator: "\n") ?? "" }
    XCTAssertTrue(
      evidence("GH-PROBE-HIJACK").contains("replay with another User-Agent accepted (200)"),
      evidence("GH-PROBE-HIJACK"))
    XCTAssertTrue(
      evidence("GH-PROBE-HIJACK").contains(
        "replay from 127.1.0.1 (a second loopback address) accepted (200)"),
      evidence("GH-PROBE-HIJACK"))
    XCTAssertTrue(
      evidence("GH-PROBE-CSRF").contains("POST /whoami without a token: not refused, 200"),
      evidence("GH-PROBE-CSRF"))
    XCTAssertTrue(
      evidence("GH-PROBE-ROTATION").contains("the ticket did not change in"), evidence("GH-PROBE-ROTATION"))
    XCTAssertTrue(
      evidence("GH-PROBE-SPOOF").contains("the app received the client's X-User-Id, X_User_Id, x-user-id"),
      evidence("GH-PROBE-SPOOF"))
    XCTAssertTrue(
      evidence("GH-PROBE-COOKIE").contains("no Secure: browsers send it over plain HTTP"),
      evidence("GH-PROBE-COOKIE"))
    XCTAssertEqual(
      try sessions(gatehouse, user: "audit-weak"), #"{"user":"audit-weak","sessions":[]}"#, "cleaned up")
  }
}
