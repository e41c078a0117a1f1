public import Net

/// Everything the live probes need from the world: connections, name resolution and time. The
/// real one (`SocketProbeNetwork`) uses EventLoop's blocking sockets and clock on the thread that
/// runs the audit; tests hand a scripted one. Implementations are used from one thread.
public protocol ProbeNetwork: AnyObject {
  /// A TCP (and, for `https`, TLS) connection to `address`, from `source` when given (a second
  /// loopback address for the hijack probe), established before `deadline`.
  func connect(to address: SocketAddress, from source: IPAddress?, tls serverName: String?, deadline: UInt64)
    throws(AuditError) -> any ProbeConnection
  /// Every address of `host` (numeric or a name).
  func resolve(host: String, port: UInt16) -> [SocketAddress]
  /// Monotonic nanoseconds (deadlines, timings, the rate limit).
  func monotonicNanos() -> UInt64
  /// Blocks the calling thread until `deadline` (monotonic ns); the rate limit and the rotation
  /// probe's waits.
  func pause(until deadline: UInt64)
}

/// One open connection. Single-thread use; `close` is idempotent.
public protocol ProbeConnection: AnyObject {
  func send(_ bytes: [UInt8], deadline: UInt64) throws(AuditError)
  /// What has arrived, waiting for something until `deadline`; empty when the peer closed.
  func receive(deadline: UInt64) throws(AuditError) -> [UInt8]
  /// The local address the connection came from, as the server sees it (without a NAT).
  var localAddress: IPAddress? { get }
  func close()
}
