import Glibc
public import Net

/// A connected TCP socket for a helper thread that may block (the JWKS fetcher), with every
/// wait bounded by a deadline on the given clock's monotonic time line. Never use it on a loop
/// thread. Single-thread use (the thread that connected it); the descriptor is closed with the
/// object (or by `close()`).
///
/// It is born non-blocking and close-on-exec like every socket (`Socket.connect`); once
/// connected it is switched to blocking mode with `SO_RCVTIMEO`/`SO_SNDTIMEO` set to the time
/// left, so that code which reads and writes the descriptor itself (OpenSSL) is bounded too.
/// Timeouts are thrown as `SystemError` with `ETIMEDOUT`.
public final class BlockingSocket: Sendable {
  public let descriptor: FileDescriptor
  private let clock: any Clock

  private init(descriptor: FileDescriptor, clock: any Clock) {
    self.descriptor = descriptor
    self.clock = clock
  }

  /// Connects to `address` (from `source` when given) before `deadline` (monotonic ns of
  /// `clock`), then makes the socket blocking with its timeouts armed to the deadline. Throws
  /// `connect` with the refusal's errno or `ETIMEDOUT`, or `bind` for an unusable source.
  public static func connect(
    to address: SocketAddress, from source: IPAddress? = nil, deadline: UInt64, clock: any Clock
  ) throws(SystemError) -> BlockingSocket {
    let (fd, connected) = try Socket.connect(address, from: source)
    let socket = BlockingSocket(descriptor: FileDescriptor(owning: fd), clock: clock)
    if !connected {
      try socket.wait(for: Poll.writable, until: deadline, call: "connect")
      let code = Socket.pendingError(fd)
      guard code == 0 else { throw SystemError(call: "connect", code: code) }
    }
    let flags = try Syscall.check("fcntl(F_GETFL)") { fcntl(fd, F_GETFL) }
    _ = try Syscall.check("fcntl(F_SETFL)") { fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
    try socket.arm(until: deadline, call: "connect")
    return socket
  }

  /// Sets `SO_RCVTIMEO` and `SO_SNDTIMEO` to the time left before `deadline`, so one blocking
  /// call made by other code on `descriptor` cannot outlast it. Throws `ETIMEDOUT` when no time
  /// is left.
  public func armTimeouts(until deadline: UInt64) throws(SystemError) {
    try arm(until: deadline, call: "setsockopt")
  }

  private func arm(until deadline: UInt64, call: StaticString) throws(SystemError) {
    let left = try timeLeft(until: deadline, call: call)
    // Whole microseconds, rounded up so the timeout never ends before the deadline (and is never
    // the all-zero timeval, which means "no timeout"); tv_usec must stay below 1,000,000.
    let micros = (left + 999) / 1000
    var value = timeval(tv_sec: Int(micros / 1_000_000), tv_usec: Int(micros % 1_000_000))
    let size = socklen_t(MemoryLayout<timeval>.size)
    let fd = descriptor.rawValue
    _ = try Syscall.check("setsockopt(SO_RCVTIMEO)") { setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, size) }
    _ = try Syscall.check("setsockopt(SO_SNDTIMEO)") { setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, size) }
  }

  /// Waits until a read would not block (data, end of stream or an error), before `deadline`.
  public func waitReadable(until deadline: UInt64) throws(SystemError) {
    try wait(for: Poll.readable, until: deadline, call: "recv")
  }

  /// Waits until a write would not block, before `deadline`.
  public func waitWritable(until deadline: UInt64) throws(SystemError) {
    try wait(for: Poll.writable, until: deadline, call: "send")
  }

  /// Sends all of `bytes` before `deadline` (`MSG_NOSIGNAL`: a closed peer is `EPIPE`).
  public func sendAll(_ bytes: UnsafeRawBufferPointer, until deadline: UInt64) throws(SystemError) {
    var offset = 0
    while offset < bytes.count {
      try arm(until: deadline, call: "send")
      let fd = descriptor.rawValue
      let status = Syscall.io("send") {
        Glibc.send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
      }
      switch status {
      case .bytes(let count): offset += count
      case .eof: preconditionFailure("send of \(bytes.count - offset) bytes returned 0")
      // With SO_SNDTIMEO, a blocking send that ran out of time reports EAGAIN.
      case .wouldBlock: throw SystemError(call: "send", code: ETIMEDOUT)
      case .failed(let code): throw SystemError(call: "send", code: code)
      }
    }
  }

  /// Receives what has arrived (waiting for it until `deadline`) into `buffer`; 0 means the peer
  /// closed its side.
  public func receive(into buffer: UnsafeMutableRawBufferPointer, until deadline: UInt64) throws(SystemError)
    -> Int
  {
    precondition(buffer.count > 0, "receive into an empty buffer")
    try waitReadable(until: deadline)
    try arm(until: deadline, call: "recv")
    let fd = descriptor.rawValue
    let status = Syscall.io("recv") { Glibc.recv(fd, buffer.baseAddress, buffer.count, 0) }
    switch status {
    case .bytes(let count): return count
    case .eof: return 0
    case .wouldBlock: throw SystemError(call: "recv", code: ETIMEDOUT)
    case .failed(let code): throw SystemError(call: "recv", code: code)
    }
  }

  /// Closes the socket now instead of when the object goes.
  public func close() {
    descriptor.close()
  }

  private func timeLeft(until deadline: UInt64, call: StaticString) throws(SystemError) -> UInt64 {
    let now = clock.monotonicNanos()
    guard now < deadline else { throw SystemError(call: call.description, code: ETIMEDOUT) }
    return deadline - now
  }

  private func wait(for events: Int16, until deadline: UInt64, call: StaticString) throws(SystemError) {
    while true {
      let left = try timeLeft(until: deadline, call: call)
      switch Poll.wait(descriptor.rawValue, for: events, timeoutNanos: left) {
      case .ready: return
      case .timedOut, .interrupted: continue
      }
    }
  }
}
