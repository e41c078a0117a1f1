import Foundation

/// Writes the inputs of a parser's test table as libFuzzer seeds, so every fuzz run starts from
/// the cases the tables already describe (scripts/fuzz.sh, fuzz/README.md). Each table test calls
/// `record` with its inputs; files go to `<package root>/.build/fuzz-seeds/<target>/`, named by a
/// hash of their bytes (a row written twice is one file). Writing is best effort: a read-only
/// checkout loses seeds, never a test. Thread-safe (files only).
public enum FuzzSeeds {
  public static func record(_ target: String, _ inputs: [[UInt8]]) {
    let directory = packageRoot.appendingPathComponent(".build/fuzz-seeds/\(target)")
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for input in inputs {
      let file = directory.appendingPathComponent(name(of: input))
      if FileManager.default.fileExists(atPath: file.path) { continue }
      try? Data(input).write(to: file, options: .atomic)
    }
  }

  public static func record(_ target: String, _ inputs: [String]) {
    record(target, inputs.map { Array($0.utf8) })
  }

  static var packageRoot: URL {
    URL(fileURLWithPath: #filePath)  // …/Tests/FuzzSeedSupport/FuzzSeeds.swift
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  }

  /// FNV-1a 64 of the bytes, in hex: stable across runs and platforms.
  static func name(of input: [UInt8]) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in input {
      hash ^= UInt64(b)
      hash &*= 0x100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return "seed-" + String(repeating: "0", count: 16 - hex.count) + hex
  }
}
