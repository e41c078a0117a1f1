import Foundation
import XCTest

@testable import Sessions

/// The fleet key on a real `redis-server`: absent, published, read back, conditional publish,
/// and the record parser's table.
final class RedisMigrationFleetKeyTests: RedisTestCase {
  func testPublishAndRead() throws {
    let server = try startServer()
    let connection = self.connection(port: server.port)
    waitReady(connection, "fleet")
    let fleet = harness.sync {
      Unchecked(RedisMigrationFleetKey(transport: connection.value, keyPrefix: "gh:"))
    }
    func read() -> MigrationFleetRecord?? {
      harness.await(15) { done in fleet.value.read { done(try? $0.get()) } }
    }
    func publish(_ setting: MigrationSetting, ifVersion: UInt64? = nil) -> UInt64?? {
      harness.await(15) { done in
        fleet.value.publish(setting, migration: "m1", ifVersion: ifVersion) { done(try? $0.get()) }
      }
    }
    XCTAssertEqual(read(), .some(nil), "no key yet")
    let dual = MigrationSetting(mode: .dual)
    XCTAssertEqual(publish(dual), .some(1), "first publication: version 1")
    XCTAssertEqual(read(), MigrationFleetRecord(version: 1, setting: dual, migration: "m1"), "read back")
    let split = MigrationSetting(mode: .split, percentage: 25)
    XCTAssertEqual(publish(split, ifVersion: 1), .some(2), "conditional on the current version")
    XCTAssertEqual(publish(dual, ifVersion: 1), .some(nil), "stale condition refused")
    XCTAssertEqual(read()??.setting, split, "the refused one changed nothing")
    XCTAssertEqual(publish(MigrationSetting(mode: .complete)), .some(3), "unconditional")
    XCTAssertFalse(try server.cli(["HGET", "gh:migration", "changed_at"]).isEmpty, "changed_at kept")
  }

  func testRecordParsing() {
    let cases: [(name: String, fields: [String?], record: MigrationFleetRecord?)] = [
      (
        "complete", ["4", "split", "25", "m"],
        MigrationFleetRecord(
          version: 4, setting: MigrationSetting(mode: .split, percentage: 25), migration: "m")
      ),
      ("absent", [nil, nil, nil, nil], nil),
      ("version 0", ["0", "dual", "0", "m"], nil),
      ("unknown mode", ["1", "triple", "0", "m"], nil),
      ("percentage over 100", ["1", "split", "101", "m"], nil),
      ("negative percentage", ["1", "split", "-1", "m"], nil),
      ("no migration id", ["1", "dual", "0", nil], nil),
    ]
    for c in cases {
      XCTAssertEqual(
        MigrationFleetRecord(
          version: c.fields[0], mode: c.fields[1], percentage: c.fields[2], migration: c.fields[3]),
        c.record, c.name)
    }
  }
}
