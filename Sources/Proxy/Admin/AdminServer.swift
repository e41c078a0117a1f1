public import EventLoop
public import Net
import Synchronization

/// The admin listener (`[admin] listen`): its own socket, its own `EventLoop` on its own thread,
/// so a slow scrape never delays proxied traffic and busy workers never starve a probe. At most
/// `maxConnections` admin clients at once (more are closed at accept). Thread-safe: `init`,
/// `start` and `stop` are called from the main thread; everything else runs on the admin loop.
public final class AdminServer: @unchecked Sendable {
  public struct BindError: Error, CustomStringConvertible {
    public let description: String
  }

  static let maxConnections = 64

  let loop: EventLoop
  let endpoints: AdminEndpoints
  let headerTimeout: UInt64
  let idleTimeout: UInt64
  /// The address actually bound (the port is known even when the config said 0).
  public let boundAddress: SocketAddress
  private let listenFd: Int32
  private var listener: AdminListener?
  private var connections: [ObjectIdentifier: AdminConnection] = [:]
  private var thread: SystemThread?
  private let stopFlag = Atomic<Bool>(false)
  var stopping: Bool { stopFlag.load(ordering: .relaxed) }

  /// Binds now, so an address in use is a startup error naming the address.
  public init(
    address: SocketAddress, endpoints: AdminEndpoints, headerTimeout: Duration = .seconds(10),
    idleTimeout: Duration = .seconds(60), clock: any Clock = SystemClock()
  ) throws(BindError) {
    do {
      listenFd = try Socket.makeListener(address, reusePort: false, backlog: 64)
    } catch {
      throw BindError(description: "cannot listen on admin address \(address): \(error)")
    }
    do {
      loop = try EventLoop(maxRegistrations: 4096, clock: clock)
    } catch {
      Posix.close(listenFd)
      throw BindError(description: "cannot create the admin event loop: \(error)")
    }
    self.endpoints = endpoints
    self.headerTimeout = headerTimeout.nanoseconds
    self.idleTimeout = idleTimeout.nanoseconds
    self.boundAddress = Socket.localAddress(listenFd) ?? address
  }

  /// Starts the admin thread.
  public func start() throws(SystemError) {
    let thread = SystemThread { [self] in
      let listener = AdminListener(server: self, fd: listenFd)
      self.listener = listener
      listener.start()
      sampleStatus()
      loop.run()
      listener.close()
      for connection in Array(connections.values) { connection.close() }
    }
    try thread.start()
    self.thread = thread
  }

  /// Stops the loop and waits for the admin thread (its sockets are closed on the way out).
  public func stop() {
    stopFlag.store(true, ordering: .relaxed)
    loop.stop()
    thread?.join()
    thread = nil
  }

  /// The dashboard's history gets one reading a second, on this loop, whether or not anyone
  /// looks: at 3 a.m. the last five minutes are already there.
  private func sampleStatus() {
    endpoints.statusBoard.withLock { $0 }?.sample()
    loop.schedule(at: loop.now &+ 1_000_000_000) { [weak self] in self?.sampleStatus() }
  }

  func adopt(fd: Int32) {
    guard connections.count < AdminServer.maxConnections, !stopping else {
      Posix.close(fd)
      return
    }
    let connection = AdminConnection(server: self, fd: fd)
    connections[ObjectIdentifier(connection)] = connection
    connection.start()
  }

  /// A late answer for `connection` (gone by now: dropped). Admin loop.
  func deliver(_ response: AdminResponse, to connection: ObjectIdentifier, request: UInt64) {
    connections[connection]?.deliver(response, request: request)
  }

  func connectionClosed(_ connection: AdminConnection) {
    connections.removeValue(forKey: ObjectIdentifier(connection))
  }
}

/// The admin listening socket. Loop-thread only (the admin loop).
final class AdminListener: EventHandler {
  unowned let server: AdminServer
  let fd: Int32
  private var registration: Registration?

  init(server: AdminServer, fd: Int32) {
    self.server = server
    self.fd = fd
  }

  func start() {
    registration = server.loop.register(fd: fd, interest: [.read], handler: self)
  }

  func handle(_ events: Events) {
    for _ in 0..<16 {
      switch Socket.accept(fd) {
      case .accepted(let client, _):
        server.adopt(fd: client)
      case .wouldBlock, .failed:
        return
      }
    }
  }

  func close() {
    if let registration { server.loop.unregister(registration, fd: fd) }
    registration = nil
    Posix.close(fd)
  }
}
