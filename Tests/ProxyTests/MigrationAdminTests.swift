import Sessions
import XCTest

@testable import Proxy

/// The PUT body parser of `GET/PUT /migration`, and the metric slot of every operation.
final class MigrationAdminTests: XCTestCase {
  func testParseTable() {
    let current = MigrationSetting(mode: .split, percentage: 25)
    let cases: [(name: String, body: String, expected: MigrationAdmin.Request)] = [
      (
        "mode only keeps the percentage", #"{"mode":"dual"}"#,
        .valid(MigrationSetting(mode: .dual, percentage: 25), force: false)
      ),
      (
        "split with percentage", #"{"mode":"split","percentage":50}"#,
        .valid(MigrationSetting(mode: .split, percentage: 50), force: false)
      ),
      (
        "force", #"{"mode":"off","force":true}"#,
        .valid(MigrationSetting(mode: .off, percentage: 25), force: true)
      ),
      (
        "unknown mode", #"{"mode":"half"}"#,
        .invalid("unknown mode \"half\"; use off, shadow, dual, split, complete")
      ),
      ("no mode", #"{"percentage":10}"#, .invalid("mode is required (a string)")),
      ("mode not a string", #"{"mode":3}"#, .invalid("mode is required (a string)")),
      (
        "percentage too high", #"{"mode":"split","percentage":101}"#,
        .invalid("percentage must be an integer from 0 to 100")
      ),
      (
        "percentage negative", #"{"mode":"split","percentage":-1}"#,
        .invalid("percentage must be an integer from 0 to 100")
      ),
      (
        "percentage fraction", #"{"mode":"split","percentage":10.5}"#,
        .invalid("percentage must be an integer from 0 to 100")
      ),
      (
        "percentage string", #"{"mode":"split","percentage":"10"}"#,
        .invalid("percentage must be an integer from 0 to 100")
      ),
      ("force not a bool", #"{"mode":"off","force":1}"#, .invalid("force must be true or false")),
      (
        "unknown member", #"{"mode":"dual","why":"x"}"#,
        .invalid("unknown member \"why\"; use mode, percentage and force")
      ),
      (
        "not an object", #"["dual"]"#,
        .invalid("expected a JSON object such as {\"mode\": \"split\", \"percentage\": 25}")
      ),
      (
        "not JSON", "dual",
        .invalid("expected a JSON object such as {\"mode\": \"split\", \"percentage\": 25}")
      ),
      (
        "duplicate member", #"{"mode":"dual","mode":"off"}"#,
        .invalid("expected a JSON object such as {\"mode\": \"split\", \"percentage\": 25}")
      ),
    ]
    for c in cases {
      XCTAssertEqual(MigrationAdmin.parse(Array(c.body.utf8), current: current), c.expected, c.name)
    }
    let large = Array(#"{"mode":"dual"}"#.utf8) + [UInt8](repeating: 0x20, count: MigrationAdmin.maxBodyBytes)
    XCTAssertEqual(
      MigrationAdmin.parse(large, current: current), .invalid("body larger than 1024 bytes"), "size")
  }

  func testOperationSlotsMatchTheirCases() {
    for (position, operation) in MigrationOperation.allCases.enumerated() {
      XCTAssertEqual(MigrationMetricsExporter.index(operation), position, "\(operation)")
    }
    XCTAssertEqual(
      MigrationMetricsExporter.hashPrefix("s:{0011}:abcdef0123456789abcdef"), "abcdef012345", "12 digits")
  }

  func testLeavingCompleteTable() {
    let complete = MigrationSetting(mode: .complete)
    let cases: [(MigrationSetting, MigrationSetting, Bool)] = [
      (complete, MigrationSetting(mode: .split, percentage: 100), false),
      (complete, complete, false),
      (complete, MigrationSetting(mode: .split, percentage: 50), true),
      (complete, MigrationSetting(mode: .dual), true),
      (complete, MigrationSetting(mode: .off), true),
      (
        MigrationSetting(mode: .split, percentage: 100), MigrationSetting(mode: .split, percentage: 50), false
      ),
      (MigrationSetting(mode: .dual), MigrationSetting(mode: .off), false),
    ]
    for (from, to, risky) in cases {
      XCTAssertEqual(from.riskOfMoving(to: to) != nil, risky, "\(from) → \(to)")
    }
  }
}
