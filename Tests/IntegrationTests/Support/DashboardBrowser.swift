import Foundation

/// Runs `scripts/dashboard-browser-check.py` (headless Chromium through selenium) against a
/// running gatehouse. The browser and its driver are Debian's (`scripts/install-deps.sh
/// --browser`); selenium lives in the venv `scripts/install-browser-test.sh` prepares, once per
/// test run. When they cannot be set up the calling test fails — it never skips. Not
/// thread-safe beyond the `let` (one test thread).
enum DashboardBrowser {
  /// What the script reports.
  struct Report: Decodable {
    let revoked: String
    let kept: [String]
    let requests_before: Int
    let requests_after: Int
    let screenshot: String
  }

  /// The venv's bin directory, or why there is none.
  private static let venvBin: Result<String, HarnessError> = {
    let script = GatehouseBinary.packageRoot.appendingPathComponent("scripts/install-browser-test.sh").path
    do {
      let directory = try TemporaryDirectory(prefix: "gatehouse-browser-setup")
      defer { directory.remove() }
      let child = try ChildProcess(
        executable: script, arguments: [], stdoutPath: directory.path("stdout.log"),
        stderrPath: directory.path("stderr.log"))
      guard let status = child.waitForExit(timeout: 300) else {
        child.kill()
        return .failure(HarnessError("scripts/install-browser-test.sh still running after 300 s"))
      }
      let bin = child.stdoutText.split(separator: "\n").last.map(String.init) ?? ""
      guard status == .exited(0), FileManager.default.isExecutableFile(atPath: bin + "/python") else {
        return .failure(
          HarnessError("scripts/install-browser-test.sh \(status):\n\(child.stdoutText)\n\(child.stderrText)")
        )
      }
      return .success(bin)
    } catch {
      return .failure(HarnessError("scripts/install-browser-test.sh could not run: \(error)"))
    }
  }()

  /// Where test artifacts go: `$GATEHOUSE_TEST_ARTIFACTS`, else `<package>/.build/test-artifacts`.
  static var artifactsDirectory: URL {
    if let path = ProcessInfo.processInfo.environment["GATEHOUSE_TEST_ARTIFACTS"], !path.isEmpty {
      return URL(fileURLWithPath: path)
    }
    return GatehouseBinary.packageRoot.appendingPathComponent(".build/test-artifacts")
  }

  /// Signs in with `token`, watches the counter while requests go to `trafficURL`, revokes one
  /// of `user`'s sessions, saves the screenshot to `screenshot`. Throws with the script's output
  /// when any step fails.
  static func check(
    adminPort: UInt16, token: String, trafficURL: String, user: String, screenshot: URL,
    timeout: TimeInterval = 180
  ) throws -> Report {
    let python = try venvBin.get() + "/python"
    let script = GatehouseBinary.packageRoot.appendingPathComponent("scripts/dashboard-browser-check.py").path
    let directory = try TemporaryDirectory(prefix: "gatehouse-browser")
    defer { directory.remove() }
    let child = try ChildProcess(
      executable: python,
      arguments: [
        script, "--admin", "http://127.0.0.1:\(adminPort)", "--token", token, "--traffic-url", trafficURL,
        "--user", user, "--screenshot", screenshot.path,
      ], stdoutPath: directory.path("stdout.log"), stderrPath: directory.path("stderr.log"))
    guard let status = child.waitForExit(timeout: timeout) else {
      // SIGTERM first: the script quits the browser it started on the way out.
      child.kill(grace: 10)
      throw HarnessError("dashboard-browser-check.py still running after \(timeout) s\n\(child.stderrText)")
    }
    guard status == .exited(0), let line = child.stdoutText.split(separator: "\n").last else {
      throw HarnessError("dashboard-browser-check.py \(status):\n\(child.stdoutText)\n\(child.stderrText)")
    }
    return try JSONDecoder().decode(Report.self, from: Data(line.utf8))
  }
}
