import Foundation
import Glibc

/// `python3 demo/app.py` on a free loopback port: the demo's legacy app, for tests that audit
/// Gatehouse in front of it. Stopped by pid in `stop()` (or `deinit`). Not thread-safe.
final class DemoAppProcess {
  let port: UInt16
  private let child: ChildProcess
  private let directory: TemporaryDirectory

  init(readyTimeout: TimeInterval = 10) throws {
    port = try PortAllocator.freePort()
    directory = try TemporaryDirectory(prefix: "gatehouse-demo-app")
    let script = GatehouseBinary.packageRoot.appendingPathComponent("demo/app.py").path
    child = try ChildProcess(
      executable: "/usr/bin/env", arguments: ["python3", script, "--port", String(port)],
      stdoutPath: directory.path("stdout.log"), stderrPath: directory.path("stderr.log"))
    let ready = waitUntil(timeout: readyTimeout, interval: 0.02) {
      guard child.poll() == nil, let fd = try? LoopbackSocket.connect(port: port) else { return false }
      _ = Glibc.close(fd)
      return true
    }
    guard ready else {
      child.kill(force: true)
      throw HarnessError("demo/app.py did not listen on 127.0.0.1:\(port)\n\(child.stderrText)")
    }
  }

  deinit { stop() }

  func stop() {
    child.kill(force: true)
    directory.remove()
  }
}
