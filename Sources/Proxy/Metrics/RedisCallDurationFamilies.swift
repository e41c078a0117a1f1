import Sessions
import Synchronization

/// `gatehouse_redis_roundtrip_seconds` and `gatehouse_redis_command_duration_seconds{operation}`
/// (`RedisMetrics`): one set of `WorkerHistogram`s per breaker slot (a worker's `[redis]` store,
/// and its `[redis.target]` store during a migration), summed over slots and rendered at scrape
/// time in swift-prometheus's text (`HistogramFamily`). The series are the ones the registry
/// rendered before the families left it: the round trip without labels, one series per
/// operation from the moment the Redis metrics exist — so `/metrics` reads as before, and a
/// store call records into its own worker's atomics instead of taking two histogram locks
/// (docs/performance.md, "Session from Redis, round 7").
/// Thread-safe (a mutex around the declared slots; scrape and declaration are rare).
final class RedisCallDurationFamilies: Sendable {
  /// Seconds: 100 µs … 100 ms.
  static let buckets: [Duration] = [
    .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
    .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
  ]
  static let roundtripFamily = HistogramFamily(
    name: "gatehouse_redis_roundtrip_seconds",
    help: "Session store call latency through Redis (successful and failed calls).", buckets: buckets)
  static let commandFamily = HistogramFamily(
    name: "gatehouse_redis_command_duration_seconds",
    help: "Session store call latency through Redis, by operation (script).", buckets: buckets)

  private let slots = Mutex<[RedisCallDurations]>([])

  /// Declares `count` slots and returns them (index = breaker slot); declared again, the first
  /// ones come back (one set of families per process).
  func durations(slots count: Int) -> [RedisCallDurations] {
    slots.withLock { slots in
      if slots.isEmpty { slots = (0..<max(count, 1)).map { _ in RedisCallDurations() } }
      return slots
    }
  }

  /// Appends both families (nothing while no slot is declared: no Redis store).
  func append(to buffer: inout [UInt8]) {
    let slots = self.slots.withLock { $0 }
    guard !slots.isEmpty else { return }
    Self.roundtripFamily.append(summed: [("", slots.map(\.roundtrip))], to: &buffer)
    Self.commandFamily.append(
      summed: BreakerSessionStore.Operation.allCases.enumerated().map { index, operation in
        (#"operation="\#(operation.rawValue)""#, slots.map { $0.commands[index] })
      }, to: &buffer)
  }
}
