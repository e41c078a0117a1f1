import Foundation
import XCTest

/// Runs the `openssl` command-line tool (installed by scripts/install-deps.sh) in a temporary
/// directory, as an independent second opinion on what `Crypto` signs.
final class OpenSSLCLI {
  let directory: URL

  init() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "gatehouse-openssl-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: directory) }

  func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

  func write(_ name: String, _ bytes: [UInt8]) throws {
    try Data(bytes).write(to: directory.appendingPathComponent(name))
  }

  func read(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
  }

  /// Runs `openssl arguments…`; its exit status (standard output and error are discarded).
  @discardableResult
  func run(_ arguments: [String]) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["openssl"] + arguments
    process.currentDirectoryURL = directory
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
  }

  /// A new private key PEM made by `openssl genpkey` with `options`.
  func generateKey(_ name: String, _ options: [String]) throws -> [UInt8] {
    let status = try run(["genpkey"] + options + ["-out", path(name)])
    XCTAssertEqual(status, 0, "openssl genpkey \(options)")
    return try read(name)
  }
}
