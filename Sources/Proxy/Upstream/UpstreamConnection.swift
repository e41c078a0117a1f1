import EventLoop
import HTTP1
import Net

/// One TCP connection to the upstream. While an exchange uses it, its events go to its owner
/// (the client connection); while idle in the pool, any event means the upstream closed it or
/// sent something unasked, and the connection is dropped. Loop-thread only.
final class UpstreamConnection: EventHandler {
  let fd: Int32
  private(set) var registration: Registration?
  unowned let loop: EventLoop
  /// Bytes from the upstream (response heads are parsed in place here).
  let inBuf: ByteBuffer
  /// Bytes to the upstream (the rewritten request head, then body bytes). Swappable so a
  /// retry on a fresh connection can take over what was never sent.
  var outBuf: ByteBuffer
  var connecting: Bool
  /// True when this connection came from the pool (it served an earlier exchange).
  var reused = false
  /// Bytes written to the upstream during the current exchange.
  var bytesWrittenThisExchange = 0
  var interest: Interest = []
  /// The exchange using this connection. Strong (no weak side table on the hot path); cleared
  /// when the connection goes back to the pool or closes, which breaks the cycle.
  var owner: ClientConnection?
  weak var pool: UpstreamPool?
  var closed = false

  init(fd: Int32, connected: Bool, loop: EventLoop, bufferSize: Int) {
    self.fd = fd
    self.loop = loop
    self.connecting = !connected
    self.inBuf = ByteBuffer(capacity: bufferSize)
    self.outBuf = ByteBuffer(capacity: bufferSize)
    Socket.setNoDelay(fd)
  }

  /// Starts a non-blocking connect. Throws when the kernel refuses at once.
  static func connect(to address: SocketAddress, loop: EventLoop, bufferSize: Int) throws(SystemError)
    -> UpstreamConnection
  {
    let (fd, connected) = try Socket.connect(address)
    let connection = UpstreamConnection(fd: fd, connected: connected, loop: loop, bufferSize: bufferSize)
    connection.setInterest(connected ? [.read] : [.write])
    return connection
  }

  func setInterest(_ wanted: Interest) {
    guard !closed else { return }
    if let registration {
      if wanted != interest {
        loop.modify(registration, fd: fd, interest: wanted)
        interest = wanted
      }
    } else {
      registration = loop.register(fd: fd, interest: wanted, handler: self)
      interest = wanted
    }
  }

  func handle(_ events: Events) {
    if let owner {
      owner.upstreamEvent(events, from: self)
    } else {
      // Idle in the pool: EOF, error or unexpected bytes all make it unusable.
      pool?.remove(self)
      close()
    }
  }

  /// Writes as much of `outBuf` as the socket takes.
  func flush() -> FlushResult {
    let result = FlushResult.flush(outBuf, to: fd)
    if case .wrote(let n) = result { bytesWrittenThisExchange += n }
    return result
  }

  func resetForExchange() {
    bytesWrittenThisExchange = 0
    inBuf.clear()
    outBuf.clear()
  }

  func close() {
    guard !closed else { return }
    closed = true
    owner = nil
    if let registration { loop.unregister(registration, fd: fd) }
    registration = nil
    Posix.close(fd)
  }
}
