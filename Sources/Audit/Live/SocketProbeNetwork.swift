import Crypto
import EventLoop
public import Net

/// The real `ProbeNetwork`: EventLoop's blocking sockets (every wait bounded by the caller's
/// deadline), TLS through Crypto for `https` targets (system trust store, host name checked),
/// and the system clock. For the thread that runs the audit — never a loop thread.
public final class SocketProbeNetwork: ProbeNetwork {
  private let clock = SystemClock()
  private var tlsContext: TLSClientContext?

  public init() {}

  public func connect(
    to address: SocketAddress, from source: IPAddress?, tls serverName: String?, deadline: UInt64
  )
    throws(AuditError) -> any ProbeConnection
  {
    let socket: BlockingSocket
    do {
      socket = try BlockingSocket.connect(to: address, from: source, deadline: deadline, clock: clock)
    } catch {
      let from = source.map { " from \($0)" } ?? ""
      throw AuditError(.connect, "\(address)\(from): \(error)")
    }
    guard let serverName else { return SocketConnection(socket: socket, tls: nil) }
    do {
      if tlsContext == nil { tlsContext = try TLSClientContext() }
      let stream = try tlsContext!.connect(fd: socket.descriptor.rawValue, host: serverName)
      return SocketConnection(socket: socket, tls: stream)
    } catch {
      socket.close()
      throw AuditError(.connect, "TLS with \(serverName) at \(address): \(error)")
    }
  }

  public func resolve(host: String, port: UInt16) -> [SocketAddress] {
    SocketAddress.resolve(host: host, port: port)
  }

  public func monotonicNanos() -> UInt64 { clock.monotonicNanos() }

  public func pause(until deadline: UInt64) { Pause.until(deadline, clock: clock) }
}

/// One TCP (or TLS) connection of `SocketProbeNetwork`. Single-thread use; `close` is
/// idempotent.
final class SocketConnection: ProbeConnection {
  private let socket: BlockingSocket
  private let tls: TLSStream?
  private var buffer = [UInt8](repeating: 0, count: 65536)

  init(socket: BlockingSocket, tls: TLSStream?) {
    self.socket = socket
    self.tls = tls
  }

  deinit { close() }

  var localAddress: IPAddress? {
    socket.descriptor.isOpen ? Socket.localAddress(socket.descriptor.rawValue)?.ip : nil
  }

  func send(_ bytes: [UInt8], deadline: UInt64) throws(AuditError) {
    guard socket.descriptor.isOpen else { throw AuditError(.io, "send on a closed connection") }
    // The buffer closures return their error instead of throwing it (typed throws through
    // `withUnsafeBytes` crashes the 6.3 compiler).
    let failure: (any Error)? = bytes.withUnsafeBytes { raw in
      do {
        if let tls {
          try socket.armTimeouts(until: deadline)
          try tls.write(raw)
        } else {
          try socket.sendAll(raw, until: deadline)
        }
        return nil
      } catch {
        return error
      }
    }
    if let failure { throw Self.failure("send", failure) }
  }

  func receive(deadline: UInt64) throws(AuditError) -> [UInt8] {
    guard socket.descriptor.isOpen else { return [] }
    let result: Result<Int, any Error> = buffer.withUnsafeMutableBytes { raw in
      do {
        if let tls {
          try socket.waitReadable(until: deadline)
          try socket.armTimeouts(until: deadline)
          return .success(try tls.read(into: raw))
        }
        return .success(try socket.receive(into: raw, until: deadline))
      } catch {
        return .failure(error)
      }
    }
    switch result {
    case .success(let count): return Array(buffer[0..<count])
    case .failure(let error): throw Self.failure("receive", error)
    }
  }

  func close() {
    guard socket.descriptor.isOpen else { return }
    tls?.shutdown()
    socket.close()
  }

  /// `ETIMEDOUT` (and a TLS read that timed out) is silence; everything else is an I/O failure.
  private static func failure(_ what: String, _ error: any Error) -> AuditError {
    if let system = error as? SystemError, system.isTimeout {
      return AuditError(.timeout, "\(what): no answer before the deadline")
    }
    // TLSStream reports a receive timeout (SO_RCVTIMEO) as SSL_read "timed out".
    if let crypto = error as? CryptoError, crypto.openSSLErrors == ["timed out"] {
      return AuditError(.timeout, "\(what): no answer before the deadline")
    }
    return AuditError(.io, "\(what): \(error)")
  }
}
