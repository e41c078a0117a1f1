import Foundation

/// Runs `gatehouse` with arguments to completion (`check`, `version`, or a `run` expected to fail).
/// Thread-safe (stateless).
enum GatehouseCommand {
  struct Result: CustomStringConvertible {
    let status: ExitStatus
    let stdout: String
    let stderr: String
    var description: String { "\(status)\n--- stdout ---\n\(stdout)\n--- stderr ---\n\(stderr)" }
  }

  /// Throws if the binary is missing or the command has not ended within `timeout` (then it is killed).
  static func run(_ arguments: [String], timeout: TimeInterval = 10) throws -> Result {
    let binary = try GatehouseBinary.require()
    let directory = try TemporaryDirectory(prefix: "gatehouse-cmd")
    defer { directory.remove() }
    let child = try ChildProcess(
      executable: binary, arguments: arguments,
      stdoutPath: directory.path("stdout.log"), stderrPath: directory.path("stderr.log"))
    guard let status = child.waitForExit(timeout: timeout) else {
      child.kill(force: true)
      throw HarnessError(
        "gatehouse \(arguments) still running after \(timeout) s\n\(child.stdoutText)\n\(child.stderrText)")
    }
    return Result(status: status, stdout: child.stdoutText, stderr: child.stderrText)
  }
}
