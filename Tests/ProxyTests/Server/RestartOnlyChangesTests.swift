import Config
import XCTest

@testable import Proxy

/// Which edits refuse a whole reload: a migration's mode and percentage apply live, its stores
/// and safety settings need a restart.
final class RestartOnlyChangesTests: XCTestCase {
  private func config(_ migration: String, log: String = "") throws -> GatehouseConfig {
    let text = """
      [log]
      \(log)
      [server]
      listen = "127.0.0.1:8080"
      [upstream]
      address = "127.0.0.1:9000"
      [session]
      keys = ["\(String(repeating: "k", count: 32))"]
      store = "memory"
      \(migration.isEmpty ? "" : "[redis]\naddress = \"127.0.0.1:6379\"\n" + migration)
      [[route]]
      path_prefix = "/"
      auth = "session"
      """
    switch ConfigLoader.parse(text, file: "t", baseDirectory: "/", sources: .system(environment: [:])) {
    case .success(let loaded): return loaded
    case .failure(let errors): throw ReloadConfigFailure(description: "\(errors)")
    }
  }

  func testMigrationEdits() throws {
    let base = "[session.migration]\nmode = \"dual\"\nfrom = \"memory\"\nto = \"redis\""
    let running = try config(base)
    let cases: [(name: String, edited: String, expected: [String])] = [
      ("unchanged", base, []),
      ("mode applies live", base.replacingOccurrences(of: "dual", with: "shadow"), []),
      (
        "percentage applies live", base.replacingOccurrences(of: "dual", with: "split") + "\npercentage = 20",
        []
      ),
      ("require", base + "\nrequire = \"both\"", ["session.migration.require"]),
      ("drain window", base + "\ndrain_window = \"2h\"", ["session.migration.drain_window"]),
      ("step back", base + "\nstep_back_p99 = \"80ms\"", ["session.migration.step_back_*"]),
      ("removed", "", ["session.migration"]),
    ]
    for c in cases {
      XCTAssertEqual(RestartOnlyChanges.between(running, try config(c.edited)), c.expected, c.name)
    }
    XCTAssertEqual(RestartOnlyChanges.between(try config(""), running), ["session.migration"], "added")
  }
}

extension RestartOnlyChangesTests {
  /// The security-line limiter's rates are fixed at start: a change refuses the reload.
  func testSecurityLogRates() throws {
    let running = try config("")
    XCTAssertEqual(
      RestartOnlyChanges.between(running, try config("", log: "level = \"debug\"")), [], "level applies")
    XCTAssertEqual(
      RestartOnlyChanges.between(running, try config("", log: "security_events_per_second = 9")),
      ["log.security_events_per_second"])
    XCTAssertEqual(
      RestartOnlyChanges.between(running, try config("", log: "security_events_burst = 3")),
      ["log.security_events_burst"])
  }
}

private struct ReloadConfigFailure: Error, CustomStringConvertible {
  let description: String
}

extension RestartOnlyChangesTests {
  /// The assertion's keys and cache live from start: adding, removing or editing it refuses the
  /// reload.
  func testAssertionEdits() throws {
    let running = try config("")
    let withAssertion = try config("", log: "").withAssertion("https://a/")
    XCTAssertEqual(RestartOnlyChanges.between(running, withAssertion), ["assertion"], "added")
    XCTAssertEqual(RestartOnlyChanges.between(withAssertion, withAssertion), [], "unchanged")
    XCTAssertEqual(
      RestartOnlyChanges.between(withAssertion, try config("").withAssertion("https://b/")), ["assertion"],
      "edited")
  }
}

extension GatehouseConfig {
  fileprivate func withAssertion(_ issuer: String) -> GatehouseConfig {
    GatehouseConfig(
      server: server, upstream: upstream, limits: limits, admin: admin, headers: headers, log: log, jwt: jwt,
      routes: routes, session: session, health: health, tracing: tracing,
      assertion: AssertionSettings(issuer: issuer))
  }
}
