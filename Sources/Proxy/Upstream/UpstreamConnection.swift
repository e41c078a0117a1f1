import EventLoop
import HTTP1
import Net

/// One TCP connection to the upstream. It owns its socket, registration and buffers: it reads
/// on its own readiness events and reports to the owner it is lent to (`UpstreamConnectionOwner`);
/// the owner's exchange works on its buffers (`link`). While idle in the pool, any event means
/// the upstream closed it or sent something unasked, and the connection is dropped.
/// Loop-thread only.
final class UpstreamConnection: EventHandler {
  private let fd: Int32
  private var registration: Registration?
  private var interest: Interest = []
  unowned let loop: EventLoop
  /// Bytes from the upstream (response heads are parsed in place here).
  private let inBuf: ByteBuffer
  /// Bytes to the upstream. Swappable so a retry on a fresh connection can take over what was
  /// never sent.
  private var outBuf: ByteBuffer
  /// The non-blocking connect has not finished.
  private(set) var connecting: Bool
  /// True when this connection came from the pool (it served an earlier exchange).
  private(set) var reused = false
  /// The owner it is lent to. Strong (no weak side table on the hot path); cleared when the
  /// connection goes back to the pool or closes, which breaks the cycle.
  private var owner: (any UpstreamConnectionOwner)?
  /// The worker's pool (it outlives its connections). Not weak: a weak reference would give the
  /// pool a side table and slow down every retain of it.
  unowned(unsafe) var pool: UpstreamPool?
  private(set) var closed = false

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

  /// Lends the connection: its events go to `owner`, its buffers to the owner's exchange.
  func lend(to owner: any UpstreamConnectionOwner) -> UpstreamLink {
    self.owner = owner
    return UpstreamLink(input: inBuf, output: outBuf, connecting: connecting, reused: reused)
  }

  /// A retry: this fresh connection takes over `dead`'s unsent bytes (the dead one gets this
  /// one's empty buffer) and is lent to the same owner.
  func takeOver(from dead: UpstreamConnection, owner: any UpstreamConnectionOwner) -> UpstreamLink {
    swap(&outBuf, &dead.outBuf)
    return lend(to: owner)
  }

  /// Back in the pool (or closed): no owner any more.
  func markIdle() {
    owner = nil
    reused = true
  }

  func setInterest(_ wanted: Interest) {
    guard !closed else { return }
    if let registration {
      if wanted != interest {
        Unmanaged.passUnretained(loop)._withUnsafeGuaranteedRef {
          $0.modify(registration, fd: fd, interest: wanted)
        }
        interest = wanted
      }
    } else {
      registration = loop.register(fd: fd, interest: wanted, handler: self)
      interest = wanted
    }
  }

  func handle(_ events: Events) {
    guard let owner else {
      // Idle in the pool: EOF, error or unexpected bytes all make it unusable.
      pool?.remove(self)
      close()
      return
    }
    var justConnected = false
    if connecting {
      guard events.isWritable || events.isError || events.isHangup else { return }
      let error = Socket.pendingError(fd)
      if error != 0 {
        owner.upstreamConnectFailed(SystemError(call: "connect", code: error))
        return
      }
      connecting = false
      justConnected = true
    }
    var read = ReadOutcome.nothing
    if events.isReadable || events.isHangup || events.isError {
      // The buffer lent without a retain (held here for the call; docs/performance.md, "The
      // shared pipeline, round 7"), as in `flush` and `setInterest`.
      read = Unmanaged.passUnretained(inBuf)._withUnsafeGuaranteedRef { .readOnce(into: $0, from: fd) }
    }
    owner.upstreamReady(justConnected: justConnected, read: read)
  }

  /// Writes as much of the output buffer as the socket takes.
  func flush() -> FlushResult {
    Unmanaged.passUnretained(outBuf)._withUnsafeGuaranteedRef { FlushResult.flush($0, to: fd) }
  }

  /// Sends FIN after the queued bytes (the tunnel's client ended).
  func shutdownWrite() {
    Posix.shutdownWrite(fd)
  }

  /// Ready for the next exchange: no bytes left over.
  func resetBuffers() {
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
