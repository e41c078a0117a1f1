import Foundation
import Glibc

/// A running `gatehouse run --config FILE` with its own temp dir, listen port and admin port. Not
/// thread-safe: one test thread. The owning test must call `stop()` (the base test case does so in
/// `tearDown`); `deinit` kills it as a last resort.
///
/// Config text is a template: `{PORT}`, `{ADMIN_PORT}`, `{UPSTREAM_PORT}` and `{DIR}` are replaced.
final class GatehouseProcess {
  let port: UInt16
  let adminPort: UInt16
  let upstreamPort: UInt16
  let directory: TemporaryDirectory
  var configPath: String { directory.path("proxy.conf") }
  private let child: ChildProcess

  /// Writes the config, starts the binary, and waits until `port` accepts TCP connections.
  /// Throws (with the captured logs) if the binary is missing, exits, or is not listening within `readyTimeout`.
  init(config template: String, upstreamPort: UInt16, readyTimeout: TimeInterval = 10) throws {
    let binary = try GatehouseBinary.require()
    port = try PortAllocator.freePort()
    adminPort = try PortAllocator.freePort()
    self.upstreamPort = upstreamPort
    directory = try TemporaryDirectory()
    try GatehouseProcess.render(template, port: port, adminPort: adminPort, upstreamPort: upstreamPort, directory: directory)
      .write(toFile: directory.path("proxy.conf"), atomically: true, encoding: .utf8)
    child = try ChildProcess(
      executable: binary, arguments: ["run", "--config", directory.path("proxy.conf")],
      stdoutPath: directory.path("stdout.log"), stderrPath: directory.path("stderr.log"))
    var exitedEarly: ExitStatus?
    let ready = waitUntil(timeout: readyTimeout, interval: 0.02) {
      if let status = child.poll() {
        exitedEarly = status
        return true
      }
      guard let fd = try? LoopbackSocket.connect(port: port) else { return false }
      _ = Glibc.close(fd)
      return true
    }
    if let exitedEarly {
      throw HarnessError("gatehouse \(exitedEarly) before listening on 127.0.0.1:\(port)\n\(logs)")
    }
    if !ready {
      child.kill(force: true)
      throw HarnessError("gatehouse did not listen on 127.0.0.1:\(port) within \(readyTimeout) s\n\(logs)")
    }
  }

  deinit {
    child.kill(force: true)
    directory.remove()
  }

  static func render(
    _ template: String, port: UInt16, adminPort: UInt16, upstreamPort: UInt16, directory: TemporaryDirectory
  ) -> String {
    template.replacingOccurrences(of: "{PORT}", with: String(port))
      .replacingOccurrences(of: "{ADMIN_PORT}", with: String(adminPort))
      .replacingOccurrences(of: "{UPSTREAM_PORT}", with: String(upstreamPort))
      .replacingOccurrences(of: "{DIR}", with: directory.url.path)
  }

  /// Replaces the config file (placeholders filled with this process's ports); send SIGHUP to apply.
  func rewriteConfig(_ template: String) throws {
    try GatehouseProcess.render(template, port: port, adminPort: adminPort, upstreamPort: upstreamPort, directory: directory)
      .write(toFile: configPath, atomically: true, encoding: .utf8)
  }

  var pid: pid_t { child.pid }
  var isRunning: Bool { child.isRunning }
  var exitStatus: ExitStatus? { child.poll() }
  var stdoutText: String { child.stdoutText }
  var stderrText: String { child.stderrText }
  var logs: String { "--- stdout ---\n\(stdoutText)\n--- stderr ---\n\(stderrText)" }

  func signal(_ signal: Int32) { child.signal(signal) }

  func waitForExit(timeout: TimeInterval) -> ExitStatus? { child.waitForExit(timeout: timeout) }

  /// SIGTERM, wait up to 5 s, then SIGKILL. Returns how it ended.
  @discardableResult
  func stop() -> ExitStatus? { child.kill(grace: 5) }

  /// A new client connection to the proxy's listen port.
  func connect() throws -> RawClient { try RawClient(port: port) }
}
