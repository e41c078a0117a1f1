import Foundation

/// Where the `gatehouse` executable under test lives: `$GATEHOUSE_BIN`, else
/// `<package root>/.build/debug/gatehouse` (package root found from this file's path). Immutable.
enum GatehouseBinary {
  static var packageRoot: URL {
    URL(fileURLWithPath: #filePath)  // …/Tests/IntegrationTests/Support/GatehouseBinary.swift
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
  }

  static var path: String {
    if let fromEnvironment = ProcessInfo.processInfo.environment["GATEHOUSE_BIN"], !fromEnvironment.isEmpty {
      return fromEnvironment
    }
    return packageRoot.appendingPathComponent(".build/debug/gatehouse").path
  }

  /// The binary's path, or a failure that says what to do. Every test that needs the binary calls
  /// this (through `GatehouseProcess`/`GatehouseCommand`), so a missing build fails loudly instead of skipping.
  static func require(at path: String = GatehouseBinary.path) throws -> String {
    guard FileManager.default.isExecutableFile(atPath: path) else {
      throw HarnessError("gatehouse binary not found at \(path): run `swift build` first (or set GATEHOUSE_BIN)")
    }
    return path
  }
}
