import Prometheus
import Sessions
import XCTest

@testable import Proxy

/// The Redis store-call histograms (`RedisCallDurationFamilies`) expose what the registry's
/// `gatehouse_redis_roundtrip_seconds` and `gatehouse_redis_command_duration_seconds{operation}`
/// exposed for the same calls: one label-less round-trip series and one series per operation,
/// summed over the slots.
final class RedisCallDurationsTests: XCTestCase {
  func testExpositionEqualsSwiftPrometheusForTheSameCalls() {
    let registry = PrometheusCollectorRegistry()
    let buckets = RedisCallDurationFamilies.buckets
    let roundtrip = registry.durationHistogram(
      "gatehouse_redis_roundtrip_seconds", labels: [], buckets: buckets,
      help: "Session store call latency through Redis (successful and failed calls).")
    let commands = BreakerSessionStore.Operation.allCases.map {
      registry.durationHistogram(
        "gatehouse_redis_command_duration_seconds", labels: [("operation", $0.rawValue)], buckets: buckets,
        help: "Session store call latency through Redis, by operation (script).")
    }
    let families = RedisCallDurationFamilies()
    let slots = families.durations(slots: 3)
    XCTAssertTrue(families.durations(slots: 5).elementsEqual(slots, by: ===), "declared once")
    let operations = BreakerSessionStore.Operation.allCases
    // Every operation in some slot, at values below, on and between the bounds and above them.
    let values: [UInt64] = [
      0, 99_999, 100_000, 100_001, 730_000, 2_500_000, 99_000_000, 100_000_001, 4_000_000_000,
    ]
    for (index, value) in values.enumerated() {
      for (offset, operation) in operations.enumerated() where (index + offset) % 3 != 0 {
        let nanos = value &+ UInt64(offset)
        roundtrip.record(.nanoseconds(Int64(nanos)))
        commands[offset].record(.nanoseconds(Int64(nanos)))
        slots[(index + offset) % slots.count].record(nanos: nanos, operation: operation)
      }
    }
    var ours: [UInt8] = []
    families.append(to: &ours)
    let expected = String(decoding: registry.emitToBuffer(), as: UTF8.self)
    let actual = String(decoding: ours, as: UTF8.self)
    XCTAssertEqual(Set(actual.split(separator: "\n")), Set(expected.split(separator: "\n")))
    XCTAssertEqual(actual.split(separator: "\n").count, expected.split(separator: "\n").count)
    XCTAssertTrue(actual.contains(#"gatehouse_redis_roundtrip_seconds_bucket{le="0.0001"} "#), actual)
    XCTAssertTrue(actual.contains("\ngatehouse_redis_roundtrip_seconds_count "), actual)
    XCTAssertTrue(
      actual.contains(#"gatehouse_redis_command_duration_seconds_count{operation="revoke_all"} "#))
  }

  func testNoSlotsWriteNothing() {
    var buffer: [UInt8] = []
    RedisCallDurationFamilies().append(to: &buffer)
    XCTAssertEqual(buffer, [])
  }
}
