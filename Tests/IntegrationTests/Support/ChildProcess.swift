import Foundation
import Glibc

/// How a child process ended. Immutable.
enum ExitStatus: Equatable, CustomStringConvertible {
  case exited(Int32)
  case signaled(Int32)

  init(waitStatus: Int32) {
    let signal = waitStatus & 0x7f
    self = signal == 0 ? .exited((waitStatus >> 8) & 0xff) : .signaled(signal)
  }

  var description: String {
    switch self {
    case .exited(let code): "exited with code \(code)"
    case .signaled(let signal): "killed by signal \(signal)"
    }
  }
}

/// A child started with `posix_spawn`, stdin from /dev/null, stdout and stderr to files. Reaped with
/// `waitpid` on its pid only, so it never disturbs other children. Not thread-safe: one test thread.
final class ChildProcess {
  let pid: pid_t
  let stdoutPath: String
  let stderrPath: String
  private(set) var exitStatus: ExitStatus?

  init(executable: String, arguments: [String], stdoutPath: String, stderrPath: String) throws {
    self.stdoutPath = stdoutPath
    self.stderrPath = stderrPath
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var child: pid_t = 0
    let result = posix_spawn(&child, executable, &actions, nil, argv, environ)
    if result != 0 { throw HarnessError("posix_spawn \(executable): \(LoopbackSocket.errnoText(result))") }
    pid = child
  }

  deinit { kill(force: true) }

  var isRunning: Bool { poll() == nil }

  /// Reaps the child if it has ended; returns its status once it has.
  @discardableResult
  func poll() -> ExitStatus? {
    if let exitStatus { return exitStatus }
    var status: Int32 = 0
    let result = waitpid(pid, &status, WNOHANG)
    if result == pid { exitStatus = ExitStatus(waitStatus: status) }
    return exitStatus
  }

  func signal(_ signal: Int32) {
    if poll() == nil { _ = Glibc.kill(pid, signal) }
  }

  /// Waits for the child to end; nil if it is still running after `timeout`.
  func waitForExit(timeout: TimeInterval) -> ExitStatus? {
    _ = waitUntil(timeout: timeout) { poll() != nil }
    return poll()
  }

  /// SIGTERM, up to `grace` seconds, then SIGKILL (or SIGKILL at once with `force`). Returns how it ended.
  @discardableResult
  func kill(force: Bool = false, grace: TimeInterval = 5) -> ExitStatus? {
    if let exitStatus { return exitStatus }
    if !force {
      signal(SIGTERM)
      if let status = waitForExit(timeout: grace) { return status }
    }
    signal(SIGKILL)
    return waitForExit(timeout: 5)
  }

  var stdoutText: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
  var stderrText: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
}
