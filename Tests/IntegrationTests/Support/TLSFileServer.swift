import Foundation
import Glibc

/// `openssl s_server -WWW` serving the files of its own temp dir over TLS on 127.0.0.1 with the
/// test CA's localhost certificate (Fixtures/jwt/tls). HTTP/1.0, close-delimited bodies. Not
/// thread-safe: one test thread; `stop()` (or deinit) kills it by pid.
final class TLSFileServer {
  let port: UInt16
  let directory: TemporaryDirectory
  private let child: ChildProcess

  /// Starts serving `files` (name → bytes); waits until the port accepts connections.
  init(files: [String: [UInt8]]) throws {
    directory = try TemporaryDirectory(prefix: "gatehouse-tls")
    for (name, bytes) in files { try Data(bytes).write(to: directory.url.appendingPathComponent(name)) }
    port = try PortAllocator.freePort()
    let tls = JWTFixtures.path("tls")
    let command =
      "cd '\(directory.url.path)' && exec openssl s_server -quiet -WWW -accept 127.0.0.1:\(port)"
      + " -cert '\(tls)/server.pem' -key '\(tls)/server.key'"
    child = try ChildProcess(
      executable: "/bin/sh", arguments: ["-c", command], stdoutPath: directory.path("stdout.log"),
      stderrPath: directory.path("stderr.log"))
    let port = self.port
    let listening = waitUntil(timeout: 15, interval: 0.02) {
      guard let fd = try? LoopbackSocket.connect(port: port) else { return false }
      _ = Glibc.close(fd)
      return true
    }
    if !listening {
      child.kill(force: true)
      throw HarnessError("openssl s_server did not listen on \(port): \(child.stderrText)")
    }
  }

  deinit { stop() }

  func stop() {
    child.kill(force: true)
    directory.remove()
  }
}
