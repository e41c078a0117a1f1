import Logging
import Synchronization

/// Process-wide state every worker reads: the connection count behind `max_connections` and
/// the log sink. Thread-safe (atomics; the sink has its own lock).
final class SharedState: Sendable {
  let activeConnections = Atomic<Int>(0)
  let maxConnections: Int
  let sink: LogSink

  init(maxConnections: Int, sink: LogSink) {
    self.maxConnections = maxConnections
    self.sink = sink
  }

  /// Reserves a connection slot; false when the process is at `max_connections`.
  func reserveConnection() -> Bool {
    let previous = activeConnections.wrappingAdd(1, ordering: .relaxed).oldValue
    if previous >= maxConnections {
      activeConnections.wrappingSubtract(1, ordering: .relaxed)
      return false
    }
    return true
  }

  func releaseConnection() {
    activeConnections.wrappingSubtract(1, ordering: .relaxed)
  }
}
