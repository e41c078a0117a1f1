import EventLoop
import Net

/// Per-worker keep-alive pool of idle upstream connections, last-in first-out (the most recently
/// used connection is the least likely to have been closed by the upstream's idle timer). Idle
/// connections stay registered for reading so an upstream close removes them at once, which
/// keeps stale connections out of the pool. Loop-thread only.
final class UpstreamPool {
  private var idle: [UpstreamConnection] = []
  let loop: EventLoop
  var address: SocketAddress
  var maxIdle: Int
  let bufferSize: Int
  /// Connections currently lent to exchanges.
  private(set) var busyCount = 0

  init(loop: EventLoop, address: SocketAddress, maxIdle: Int, bufferSize: Int) {
    self.loop = loop
    self.address = address
    self.maxIdle = maxIdle
    self.bufferSize = bufferSize
    idle.reserveCapacity(maxIdle)
  }

  var idleCount: Int { idle.count }

  /// An idle pooled connection, or nil when there is none.
  func takeIdle() -> UpstreamConnection? {
    guard let connection = idle.popLast() else { return nil }
    busyCount += 1
    return connection
  }

  /// A new connection (connect in progress or done). Throws when the connect fails at once.
  func connectFresh() throws(SystemError) -> UpstreamConnection {
    let connection = try UpstreamConnection.connect(to: address, loop: loop, bufferSize: bufferSize)
    connection.pool = self
    busyCount += 1
    return connection
  }

  /// Hands a connection back after a complete exchange; it is kept if there is room.
  func release(_ connection: UpstreamConnection, reusable: Bool) {
    busyCount -= 1
    connection.markIdle()
    guard reusable, !connection.closed, idle.count < maxIdle else {
      connection.close()
      return
    }
    connection.resetBuffers()
    connection.setInterest([.read])
    idle.append(connection)
  }

  /// Drops a connection that broke while lent out.
  func discard(_ connection: UpstreamConnection) {
    busyCount -= 1
    connection.close()
  }

  func remove(_ connection: UpstreamConnection) {
    if let index = idle.firstIndex(where: { $0 === connection }) {
      idle.remove(at: index)
    }
  }

  func closeAllIdle() {
    for connection in idle { connection.close() }
    idle.removeAll()
  }
}
