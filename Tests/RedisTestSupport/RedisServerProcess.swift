public import Foundation
import Glibc
import Synchronization

/// A `redis-server` (or `redis-sentinel`) child process on an ephemeral loopback port, stopped
/// by pid. Test-thread only.
public final class RedisServerProcess {
  public let port: Int
  public let directory: URL
  private var process: Process?
  private let arguments: [String]
  private let executable: String

  /// A redis-server with no persistence. `extra` are more `--option value` words.
  public init(port: Int? = nil, extra: [String] = []) throws {
    self.port = try port ?? RedisServerProcess.freePort()
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("redis-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    executable = "/usr/bin/redis-server"
    arguments =
      [
        "--port", String(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
        "--dir", directory.path, "--loglevel", "warning",
      ] + extra
  }

  /// A redis-sentinel monitoring `masterPort` as `name` with quorum 1.
  public init(sentinelFor name: String, masterPort: Int) throws {
    port = try RedisServerProcess.freePort()
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("sentinel-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let config = """
      port \(port)
      bind 127.0.0.1
      dir \(directory.path)
      sentinel monitor \(name) 127.0.0.1 \(masterPort) 1
      sentinel down-after-milliseconds \(name) 1000
      sentinel failover-timeout \(name) 5000
      sentinel parallel-syncs \(name) 1

      """
    let file = directory.appendingPathComponent("sentinel.conf")
    try config.write(to: file, atomically: true, encoding: .utf8)
    executable = "/usr/bin/redis-sentinel"
    arguments = [file.path, "--loglevel", "warning"]
  }

  deinit { stop() }

  /// Starts the process and waits until it answers PING.
  public func start(timeout: TimeInterval = 15) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    // Its own messages (a port already taken, a bad option) go to a file the error quotes.
    let log = directory.appendingPathComponent("stdout.log")
    FileManager.default.createFile(atPath: log.path, contents: nil)
    let output = try FileHandle(forWritingTo: log)
    process.standardOutput = output
    process.standardError = output
    try process.run()
    self.process = process
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      let answer = (try? cli(["PING"])) ?? ""
      if answer == "PONG" || answer.hasPrefix("NOAUTH") { return }
      if !process.isRunning {
        self.process = nil
        let said = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        throw RedisTestSupportError(
          "\(executable) on port \(port) exited (status \(process.terminationStatus)) before answering: \(said.suffix(400))"
        )
      }
      usleep(20_000)
    }
    throw RedisTestSupportError("\(executable) on port \(port) did not answer within \(timeout) s")
  }

  public var pid: Int32? { process.map { $0.processIdentifier } }

  /// SIGKILL and reap.
  public func kill() {
    guard let process, process.isRunning else { return }
    Glibc.kill(process.processIdentifier, SIGCONT)
    Glibc.kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    self.process = nil
  }

  public func stop() {
    kill()
    try? FileManager.default.removeItem(at: directory)
  }

  public func pause() {
    if let pid { Glibc.kill(pid, SIGSTOP) }
  }

  public func resume() {
    if let pid { Glibc.kill(pid, SIGCONT) }
  }

  /// Runs `redis-cli` against this process and returns its trimmed output.
  @discardableResult
  public func cli(_ args: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/redis-cli")
    process.arguments = ["-h", "127.0.0.1", "-p", String(port)] + args
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// A loopback port nothing listens on now, never one this process handed out before
  /// (`LoopbackPorts`: below the kernel's ephemeral range, so nothing else takes it meanwhile).
  public static func freePort() throws -> Int { try LoopbackPorts.fresh() }
}

/// Why a Redis test process could not be started or reached.
public struct RedisTestSupportError: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}
