import Foundation
import Glibc
import XCTest

/// The process around the proxy: graceful drain on SIGTERM, config reload on SIGHUP, the `check`,
/// `run` and `version` commands and their failure messages.
final class ProxyLifecycleTests: GatehouseTestCase {
  func testSIGTERMDrainsInFlightRequestsThenExitsZero() throws {
    let gatehouse = try startGatehouse(ProxyConfig(responseTimeout: "15s", drainTimeout: "10s"))
    let inFlight = try gatehouse.connect()
    // The upstream answers 5 s after it got the request: the listener must be closed well
    // before that (usually within milliseconds; the wait below allows a loaded machine 4 s).
    try inFlight.sendRequest("GET", "/delay/5000")
    XCTAssertTrue(
      waitUntil(timeout: 5) { upstream.requests.contains { $0.target == "/delay/5000" } },
      "request never reached the upstream")
    gatehouse.signal(SIGTERM)

    let refused = waitUntil(timeout: 4, interval: 0.02) {
      do {
        _ = try RawClient(port: gatehouse.port)
        return false
      } catch let error as ConnectError {
        return error.isRefused
      } catch {
        return false
      }
    }
    XCTAssertTrue(refused, "new connections still accepted after SIGTERM")

    let response = try inFlight.readResponse(timeout: 10)
    XCTAssertEqual(response.status, 200, "in-flight response")
    let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
    XCTAssertEqual(json?["target"] as? String, "/delay/5000", "in-flight response body complete")
    XCTAssertEqual(gatehouse.waitForExit(timeout: 12), .exited(0), gatehouse.logs)
  }

  func testSIGHUPReloadsRoutesKeepingConnections() throws {
    let gatehouse = try startGatehouse()
    let idle = try gatehouse.connect()
    try idle.sendRequest("GET", "/private")
    XCTAssertEqual(try idle.readResponse().status, 200, "before reload")

    try gatehouse.rewriteConfig(ProxyConfig(routes: [("/public/", "public")]).toml)
    gatehouse.signal(SIGHUP)
    let applied = try waitUntil(timeout: 15, interval: 0.05) {
      try exchange(gatehouse, RawClient.request("GET", "/private")).status == 401
    }
    XCTAssertTrue(applied, "new routes not applied within 15 s\n\(gatehouse.logs)")

    XCTAssertFalse(idle.isClosedByPeer(timeout: 0.1), "idle keep-alive connection closed by the reload")
    try idle.sendRequest("GET", "/private")
    XCTAssertEqual(try idle.readResponse().status, 401, "old connection, new routes")
    try idle.sendRequest("GET", "/public/page")
    XCTAssertEqual(try idle.readResponse().status, 200, "old connection, public route")
    XCTAssertTrue(gatehouse.isRunning)
  }

  func testSIGHUPWithInvalidConfigKeepsTheOldOne() throws {
    let gatehouse = try startGatehouse()
    XCTAssertEqual(try exchange(gatehouse, RawClient.request("GET", "/private")).status, 200, "before reload")

    try gatehouse.rewriteConfig(ProxyConfig().toml + "\n[server]\nunknown_key = 1\nworkers = \"many\"\n")
    gatehouse.signal(SIGHUP)
    // Wait for the verdict itself, so the valid reload below cannot be taken for this one.
    XCTAssertTrue(
      waitUntil(timeout: 10, interval: 0.05) {
        gatehouse.logs.contains("configuration reload failed")
      }, "invalid reload reported\n\(gatehouse.logs)")

    XCTAssertTrue(gatehouse.isRunning, "invalid reload stopped the process\n\(gatehouse.logs)")
    XCTAssertEqual(
      try exchange(gatehouse, RawClient.request("GET", "/private")).status, 200, "old routes in force")

    try gatehouse.rewriteConfig(ProxyConfig(routes: [("/public/", "public")]).toml)
    gatehouse.signal(SIGHUP)
    let applied = try waitUntil(timeout: 15, interval: 0.05) {
      try exchange(gatehouse, RawClient.request("GET", "/private")).status == 401
    }
    XCTAssertTrue(applied, "a valid reload after an invalid one was not applied\n\(gatehouse.logs)")
  }

  private func writeConfig(_ text: String, in directory: TemporaryDirectory) throws -> String {
    let path = directory.path("proxy.conf")
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  private func rendered(_ config: ProxyConfig, port: UInt16, directory: TemporaryDirectory) throws -> String {
    GatehouseProcess.render(
      config.toml, port: port, adminPort: try PortAllocator.freePort(), upstreamPort: upstream.port,
      directory: directory)
  }

  func testCheckAcceptsAValidFile() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = try writeConfig(
      try rendered(ProxyConfig(), port: try PortAllocator.freePort(), directory: directory), in: directory)
    let result = try GatehouseCommand.run(["check", "--config", path])
    XCTAssertEqual(result.status, .exited(0), "\(result)")
  }

  /// `check --skip-secrets` validates everything but `env:`/`file:` secrets, which it names as
  /// warnings; without the flag an unset variable is an error as before.
  func testCheckSkipSecretsWarnsInsteadOfFailing() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    var config = ProxyConfig()
    config.extraTOML = """
      [session]
      keys = ["env:GH_TEST_UNSET_SESSION_KEY"]
      user_tag_key = "file:missing-user-tag.key"
      secure_cookie = false
      cookie_name = "gh_session"

      """
    let path = try writeConfig(
      try rendered(config, port: try PortAllocator.freePort(), directory: directory), in: directory)
    let strict = try GatehouseCommand.run(["check", "--config", path])
    XCTAssertNotEqual(strict.status, .exited(0), "an unset secret fails the plain check: \(strict)")
    XCTAssertTrue(strict.stderr.contains("GH_TEST_UNSET_SESSION_KEY"), strict.stderr)

    let skipping = try GatehouseCommand.run(["check", "--skip-secrets", "--config", path])
    XCTAssertEqual(skipping.status, .exited(0), "\(skipping)")
    let warnings = skipping.stderr.split(separator: "\n").filter { $0.contains("warning") }
    XCTAssertTrue(warnings.contains { $0.contains("env:GH_TEST_UNSET_SESSION_KEY") }, skipping.stderr)
    XCTAssertTrue(warnings.contains { $0.contains("file:missing-user-tag.key") }, skipping.stderr)

    // Everything else is still checked.
    let broken = try writeConfig(
      try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(
        of: "secure_cookie = false", with: "secure_cookie = \"no\""), in: directory)
    let stillChecked = try GatehouseCommand.run(["check", "--skip-secrets", "--config", broken])
    XCTAssertNotEqual(stillChecked.status, .exited(0), "other errors still fail: \(stillChecked)")
  }

  func testCheckReportsEveryErrorWithItsLine() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    var text = try rendered(ProxyConfig(), port: try PortAllocator.freePort(), directory: directory)
    text = text.replacingOccurrences(of: "workers = 2\n", with: "workers = 2\nbogus_key = 1\n")
    text = text.replacingOccurrences(of: "connect_timeout = \"1s\"", with: "connect_timeout = \"soon\"")
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let path = try writeConfig(text, in: directory)
    let result = try GatehouseCommand.run(["check", "--config", path])
    guard case .exited(let code) = result.status, code != 0 else {
      return XCTFail("check should exit non-zero: \(result)")
    }
    for key in ["bogus_key", "connect_timeout"] {
      let line = try XCTUnwrap(lines.firstIndex { $0.hasPrefix(key) }, key) + 1
      let mentions = result.stderr.split(separator: "\n").filter { $0.contains(key) }
      XCTAssertTrue(
        mentions.contains { $0.range(of: "\\b\(line)\\b", options: .regularExpression) != nil },
        "stderr should name \(key) with line \(line):\n\(result.stderr)")
    }
  }

  func testRunWithMissingConfigFailsWithOneClearLine() throws {
    let path = "/nonexistent-gatehouse-dir/proxy.conf"
    let result = try GatehouseCommand.run(["run", "--config", path])
    guard case .exited(let code) = result.status, code != 0 else {
      return XCTFail("run should exit non-zero: \(result)")
    }
    let output = (result.stderr + result.stdout).trimmingCharacters(in: .whitespacesAndNewlines)
    XCTAssertEqual(output.split(separator: "\n").count, 1, "expected one line:\n\(output)")
    XCTAssertTrue(output.contains(path), "message should name the file: \(output)")
    for marker in ["Fatal error", "Stack dump", "backtrace", "Current stack trace"] {
      XCTAssertFalse(output.contains(marker), "crash output: \(output)")
    }
  }

  func testRunOnAPortInUseFailsNamingTheAddress() throws {
    let held = try LoopbackSocket.listen(port: 0)
    defer { _ = Glibc.close(held) }
    let port = try LoopbackSocket.localPort(held)
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = try writeConfig(try rendered(ProxyConfig(), port: port, directory: directory), in: directory)
    let result = try GatehouseCommand.run(["run", "--config", path], timeout: 10)
    guard case .exited(let code) = result.status, code != 0 else {
      return XCTFail("run should exit non-zero: \(result)")
    }
    XCTAssertTrue(
      (result.stderr + result.stdout).contains("127.0.0.1:\(port)"),
      "message should name the address: \(result)")
  }

  func testVersionPrintsOneLine() throws {
    let result = try GatehouseCommand.run(["version"])
    XCTAssertEqual(result.status, .exited(0), "\(result)")
    let output = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    XCTAssertFalse(output.isEmpty, "\(result)")
    XCTAssertEqual(output.split(separator: "\n").count, 1, "\(result)")
  }
}
