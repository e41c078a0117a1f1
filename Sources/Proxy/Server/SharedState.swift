import Logging
import Synchronization

/// Process-wide state every worker reads: the connection count behind `max_connections` (the
/// bound itself changes on reload) and the log sink. Thread-safe (atomics; the sink has its own
/// lock).
final class SharedState: Sendable {
  let activeConnections = Atomic<Int>(0)
  private let maxConnectionsValue: Atomic<Int>
  let sink: LogSink

  init(maxConnections: Int, sink: LogSink) {
    self.maxConnectionsValue = Atomic(maxConnections)
    self.sink = sink
  }

  var maxConnections: Int { maxConnectionsValue.load(ordering: .relaxed) }

  /// A reload's new bound: connections above it are not closed, new ones wait for room.
  func setMaxConnections(_ value: Int) { maxConnectionsValue.store(value, ordering: .relaxed) }

  /// Reserves a connection slot; false when the process is at `max_connections`.
  func reserveConnection() -> Bool {
    let previous = activeConnections.wrappingAdd(1, ordering: .relaxed).oldValue
    if previous >= maxConnectionsValue.load(ordering: .relaxed) {
      activeConnections.wrappingSubtract(1, ordering: .relaxed)
      return false
    }
    return true
  }

  func releaseConnection() {
    activeConnections.wrappingSubtract(1, ordering: .relaxed)
  }
}
