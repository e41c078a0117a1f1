import EventLoop
import Logging

/// One worker: a thread running one event loop with its own listener, client connections,
/// upstream pool and metrics. A connection never changes worker. Loop-thread only; other
/// threads reach it through `loop.execute`.
final class Worker: @unchecked Sendable {
  let index: Int
  let loop: EventLoop
  var runtime: RuntimeConfig
  let pool: UpstreamPool
  var ids = IDGenerator()
  let metrics = WorkerMetrics()
  /// Per-policy authenticators (JWT, session); `public` needs none.
  var authenticators: [AuthPolicy: any RequestAuthenticator] = [:]
  var log: Logger
  let shared: SharedState
  private var connections: [ObjectIdentifier: ClientConnection] = [:]
  private var listener: Listener?
  private(set) var draining = false
  private var drained: (@Sendable () -> Void)?

  init(
    index: Int, loop: EventLoop, runtime: RuntimeConfig, upstream: SocketAddress, maxIdle: Int,
    shared: SharedState, log: Logger
  ) {
    self.index = index
    self.loop = loop
    self.runtime = runtime
    self.shared = shared
    self.log = log
    self.pool = UpstreamPool(
      loop: loop, address: upstream, maxIdle: maxIdle, bufferSize: runtime.upstreamBufferSize)
  }

  var connectionCount: Int { connections.count }

  func startListening(fd: Int32) {
    let listener = Listener(fd: fd, worker: self)
    self.listener = listener
    listener.start()
  }

  func adopt(fd: Int32, peer: SocketAddress) {
    guard !draining, shared.reserveConnection() else {
      Posix.close(fd)
      return
    }
    let connection = ClientConnection(worker: self, fd: fd, peer: peer)
    connections[ObjectIdentifier(connection)] = connection
    connection.start()
  }

  func connectionClosed(_ connection: ClientConnection) {
    guard connections.removeValue(forKey: ObjectIdentifier(connection)) != nil else { return }
    shared.releaseConnection()
    if draining && connections.isEmpty { finishDrain() }
  }

  /// Applies a reloaded configuration to requests that start from now on.
  func apply(_ runtime: RuntimeConfig, maxIdle: Int) {
    self.runtime = runtime
    pool.maxIdle = maxIdle
  }

  /// Stops accepting, closes idle connections, lets in-flight exchanges finish; `done` runs
  /// (on this loop) once no connection is left.
  func beginDrain(_ done: @escaping @Sendable () -> Void) {
    draining = true
    drained = done
    listener?.close()
    listener = nil
    for connection in Array(connections.values) { connection.beginDrain() }
    if connections.isEmpty { finishDrain() }
  }

  private func finishDrain() {
    pool.closeAllIdle()
    let done = drained
    drained = nil
    done?()
  }

  /// `logging`: runs once per request, however it ended.
  func requestFinished(_ context: RequestContext, routeName: String) {
    metrics.requestFinished(context, route: context.routeIndex)
    guard runtime.accessLog else { return }
    AccessLog.write(context, routeName: routeName, peer: nil, to: shared.sink)
  }

  func logSecurityEvent(_ event: String, context: RequestContext, peer: SocketAddress, reason: String = "") {
    var line = JSONLine()
    line.add("time", Timestamp.iso8601Now())
    line.add("level", "warning")
    line.add("event", "security")
    line.add("kind", event)
    if !reason.isEmpty { line.add("reason", reason) }
    line.add("client_ip", peer.ip.description)
    line.add("request_id", context.requestIDString)
    line.add("trace_id", context.traceIDString)
    shared.sink.write(line.finish())
  }
}
