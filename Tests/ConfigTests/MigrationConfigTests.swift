import Foundation
import Net
import Sessions
import XCTest

@testable import Config

private let key32 = String(repeating: "a", count: 32)

private func load(_ text: String) -> Result<GatehouseConfig, ConfigErrors> {
  ConfigLoader.parse(text, file: "proxy.conf", baseDirectory: "/nonexistent", sources: testSources())
}

/// `[session.migration]` and `[redis.target]`: defaults, every key, the store pairs, and every
/// problem with its line and key.
final class MigrationConfigTests: XCTestCase {
  /// Redis → Redis: `[session]` is lines 1-3, `[session.migration]` line 4, `[redis]` after the
  /// migration lines, `[redis.target]` after that.
  private func redisToRedis(_ migration: [String] = [], target: [String] = []) -> String {
    (["[session]", "keys = [\"\(key32)\"]", "store = \"redis\"", "[session.migration]"] + migration
      + ["[redis]", "address = \"127.0.0.1:6379\"", "[redis.target]", "address = \"127.0.0.1:6380\""] + target)
      .joined(separator: "\n")
  }

  private func settings(_ text: String, _ name: String) -> SessionSettings? {
    switch load(text) {
    case .success(let config): return config.session
    case .failure(let errors):
      XCTFail("\(name): unexpected issues:\n\(errors)")
      return nil
    }
  }

  private func issues(_ text: String) -> [String] {
    switch load(text) {
    case .success: return []
    case .failure(let errors): return errors.issues.map { "\($0.line) \($0.key): \($0.message)" }
    }
  }

  func testDefaultsAndStorePairs() throws {
    let rr = try XCTUnwrap(settings(redisToRedis(), "redis → redis"))
    XCTAssertEqual(rr.migration, MigrationSettings(from: .redis), "defaults")
    XCTAssertEqual(rr.migration?.setting, .off, "mode off")
    XCTAssertEqual(rr.migration?.thresholds, MigrationThresholds(), "1 %, 50 ms, 1 %, 30 s, 100")
    XCTAssertEqual(rr.fromRedis?.endpoint, .address(SocketAddress.parse("127.0.0.1:6379")!), "from: [redis]")
    XCTAssertEqual(
      rr.toRedis?.endpoint, .address(SocketAddress.parse("127.0.0.1:6380")!), "to: [redis.target]")

    let memory = try XCTUnwrap(
      settings(
        "[session]\nkeys = [\"\(key32)\"]\n[session.migration]\nmode = \"shadow\"\n[redis]\naddress = \"127.0.0.1:6380\"",
        "memory → redis"))
    XCTAssertEqual(memory.store, .memory, "from memory")
    XCTAssertNil(memory.fromRedis, "no Redis for from")
    XCTAssertEqual(memory.toRedis?.endpoint, .address(SocketAddress.parse("127.0.0.1:6380")!), "to: [redis]")

    let fromOnly = try XCTUnwrap(
      settings(
        "[session]\nkeys = [\"\(key32)\"]\n[session.migration]\nfrom = \"redis\"\n[redis]\n[redis.target]\nkey_prefix = \"v2:\"",
        "from sets the store"))
    XCTAssertEqual(fromOnly.store, .redis, "from = redis without store")
    XCTAssertEqual(fromOnly.toRedis?.keyPrefix, "v2:", "same server, new prefix")
  }

  func testEveryKey() throws {
    let s = try XCTUnwrap(
      settings(
        redisToRedis([
          "mode = \"split\"", "percentage = 25", "require = \"both\"", "drain_window = \"2h\"",
          "step_back_error_rate = \"0.5%\"", "step_back_p99 = \"20ms\"", "step_back_mismatch_rate = \"2%\"",
          "step_back_window = \"10s\"", "step_back_min_ops = 50", "from = \"redis\"", "to = \"redis\"",
        ]), "every key"))
    let m = try XCTUnwrap(s.migration)
    XCTAssertEqual(m.setting, MigrationSetting(mode: .split, percentage: 25))
    XCTAssertEqual(m.require, .both)
    XCTAssertEqual(m.drainWindow, .seconds(7200))
    XCTAssertEqual(
      m.thresholds,
      MigrationThresholds(
        errorRate: 0.005, p99: 20_000_000, mismatchRate: 0.02, window: 10_000_000_000, minimumOperations: 50))
  }

  func testProblems() {
    let cases: [(name: String, toml: String, expected: [String])] = [
      (
        "unknown key", redisToRedis(["modes = \"dual\""]),
        ["5 session.migration.modes: unknown key `modes` in [session.migration]; did you mean `mode`?"]
      ),
      (
        "unknown mode", redisToRedis(["mode = \"triple\""]),
        [
          "5 session.migration.mode: unknown mode \"triple\"; use \"off\", \"shadow\", \"dual\", \"split\", \"complete\""
        ]
      ),
      (
        "percentage", redisToRedis(["percentage = 101"]),
        ["5 session.migration.percentage: 101 is out of range (0...100)"]
      ),
      (
        "require", redisToRedis(["require = \"all\""]),
        ["5 session.migration.require: unknown requirement \"all\"; use \"primary\" or \"both\""]
      ),
      (
        "rate without %", redisToRedis(["step_back_error_rate = \"0.01\""]),
        [
          "5 session.migration.step_back_error_rate: invalid percentage \"0.01\" (use e.g. \"1%\" or \"0.5%\", 0% to 100%)"
        ]
      ),
      (
        "rate over 100", redisToRedis(["step_back_mismatch_rate = \"150%\""]),
        [
          "5 session.migration.step_back_mismatch_rate: invalid percentage \"150%\" (use e.g. \"1%\" or \"0.5%\", 0% to 100%)"
        ]
      ),
      (
        "to memory", redisToRedis(["to = \"memory\""]),
        [
          "5 session.migration.to: to = \"memory\" is not supported: a memory store lives in one process; move to \"redis\""
        ]
      ),
      (
        "from disagrees with store", redisToRedis(["from = \"memory\""]),
        [
          "5 session.migration.from: from = \"memory\" but [session] store = \"redis\": from is the store in use"
        ]
      ),
      (
        "redis → redis without a target",
        "[session]\nkeys = [\"\(key32)\"]\nstore = \"redis\"\n[session.migration]\n[redis]",
        [
          "4 session.migration.to: a migration from \"redis\" to \"redis\" needs a [redis.target] table (where the sessions go)"
        ]
      ),
      (
        "memory → redis without [redis]", "[session]\nkeys = [\"\(key32)\"]\n[session.migration]",
        ["3 session.migration.to: a migration to \"redis\" needs a [redis] table (where the sessions go)"]
      ),
      (
        "target without a migration",
        "[session]\nkeys = [\"\(key32)\"]\nstore = \"redis\"\n[redis]\n[redis.target]",
        ["5 redis.target: [redis.target] is only used by a [session.migration] from \"redis\" to \"redis\""]
      ),
      (
        "target with an outage key", redisToRedis([], target: ["stale_grace = \"5s\""]),
        ["9 redis.target.stale_grace: stale_grace applies to the whole session store: set it in [redis]"]
      ),
      (
        "target with an unknown key", redisToRedis([], target: ["adress = \"x\""]),
        ["9 redis.target.adress: unknown key `adress` in [redis.target]; did you mean `address`?"]
      ),
    ]
    for c in cases { XCTAssertEqual(issues(c.toml), c.expected, c.name) }
  }

  func testRedactedDumpReadsBack() throws {
    let original = try XCTUnwrap(
      settings(
        redisToRedis(
          ["mode = \"dual\"", "step_back_error_rate = \"0.25%\"", "step_back_mismatch_rate = \"2.5%\""],
          target: ["key_prefix = \"v2:\""]),
        "source"))
    let dumped = GatehouseConfig(session: original).redactedDescription().replacingOccurrences(
      of: "\"<redacted>\"", with: "\"\(key32)\"")
    XCTAssertTrue(dumped.contains("[session.migration]"), dumped)
    XCTAssertTrue(dumped.contains("[redis.target]"), dumped)
    let reread = try XCTUnwrap(settings(dumped, "read back"))
    XCTAssertEqual(reread.migration, original.migration, "migration survives the dump")
    XCTAssertEqual(reread.redisTarget, original.redisTarget, "target survives the dump")
  }

  func testPercentageParser() {
    let cases: [(String, Double?)] = [
      ("1%", 1), ("0.5%", 0.5), ("100%", 100), ("0%", 0), ("12.25%", 12.25), ("1", nil), ("%", nil),
      ("1.%", nil),
      (".5%", nil), ("-1%", nil), ("100.1%", nil), ("1 %", nil), ("1e1%", nil),
    ]
    for (text, value) in cases { XCTAssertEqual(ConfigReader.percentage(text), value, text) }
  }
}

/// The example's commented `[session.migration]` and `[redis.target]` blocks: every key with one
/// comment line above it, and, uncommented, the defaults.
final class MigrationExampleTests: XCTestCase {
  func commentedBlock(_ header: String) throws -> [String] {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
      "../../proxy.conf.example"
    ).standardized.path
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(
      separator: "\n", omittingEmptySubsequences: false)
    guard let start = lines.firstIndex(of: Substring("#" + header)) else {
      XCTFail("example lacks a commented \(header)")
      return []
    }
    var block: [String] = []
    for line in lines[start...] {
      guard line.hasPrefix("#") else { break }
      block.append(String(line.dropFirst()))
    }
    return block
  }

  func checkComments(_ block: [String], _ keys: [String], _ table: String) {
    for key in keys {
      guard let index = block.firstIndex(where: { $0.hasPrefix("\(key) = ") || $0.hasPrefix("#\(key) = ") })
      else {
        XCTFail("example [\(table)] lacks \(key)")
        continue
      }
      XCTAssertTrue(block[index - 1].hasPrefix("#"), "\(table).\(key) has a comment line above it")
    }
  }

  func testExampleBlocks() throws {
    let migration = try commentedBlock("[session.migration]")
    let redis = try commentedBlock("[redis]")
    let target = try commentedBlock("[redis.target]")
    checkComments(migration, ConfigReader.migrationKeys, "session.migration")
    checkComments(
      target,
      ConfigReader.redisKeys.filter { !["target", "on_store_unavailable", "stale_grace"].contains($0) },
      "redis.target")
    let memoryToRedis = (["[session]", "keys = [\"\(key32)\"]"] + migration + redis).joined(separator: "\n")
    guard case .success(let config) = load(memoryToRedis) else {
      return XCTFail("memory → redis example does not load")
    }
    XCTAssertEqual(config.session?.migration, MigrationSettings(), "the example shows the defaults")
    let redisToRedis =
      (["[session]", "keys = [\"\(key32)\"]", "store = \"redis\""]
      + migration.filter { !$0.hasPrefix("from") } + redis + target)
      .joined(separator: "\n")
    guard case .success(let both) = load(redisToRedis) else {
      return XCTFail("redis → redis example does not load")
    }
    XCTAssertEqual(both.session?.redisTarget, RedisSettings(), "target defaults")
  }
}
