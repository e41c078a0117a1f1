import Foundation
import Glibc

/// Thin blocking-socket helpers over Glibc for the harness: loopback IPv4 only, every fd close-on-exec
/// (so a spawned `gatehouse` never inherits a test socket) and every send with `MSG_NOSIGNAL` (so a peer
/// that closed early gives `EPIPE`, not a process-killing `SIGPIPE`). Thread-safe (stateless).
enum LoopbackSocket {
  static func makeTCP() throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    if fd < 0 { throw HarnessError("socket: \(errnoText())") }
    return fd
  }

  static func address(port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
    return address
  }

  static func bind(_ fd: Int32, port: UInt16) throws {
    var address = address(port: port)
    let result = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    if result != 0 { throw HarnessError("bind 127.0.0.1:\(port): \(errnoText())") }
  }

  /// A listening socket on 127.0.0.1:`port` (0 = any free port), with `SO_REUSEADDR` only (no
  /// `SO_REUSEPORT`, so nobody else can bind the same port while it is held).
  static func listen(port: UInt16, backlog: Int32 = 128) throws -> Int32 {
    let fd = try makeTCP()
    var one: Int32 = 1
    _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
    do {
      try bind(fd, port: port)
      if Glibc.listen(fd, backlog) != 0 { throw HarnessError("listen: \(errnoText())") }
    } catch {
      _ = Glibc.close(fd)
      throw error
    }
    return fd
  }

  static func localPort(_ fd: Int32) throws -> UInt16 {
    var address = sockaddr_in()
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let result = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    if result != 0 { throw HarnessError("getsockname: \(errnoText())") }
    return UInt16(bigEndian: address.sin_port)
  }

  /// Connects to 127.0.0.1:`port`; returns the fd or throws with errno (ECONNREFUSED when nothing listens).
  static func connect(port: UInt16) throws -> Int32 {
    let fd = try makeTCP()
    var address = address(port: port)
    let result = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    if result != 0 {
      let code = errno
      _ = Glibc.close(fd)
      throw ConnectError(port: port, code: code)
    }
    var one: Int32 = 1
    _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    return fd
  }

  /// Bounds every blocking `send` so a stalled peer fails the test instead of hanging it.
  static func setSendTimeout(_ fd: Int32, seconds: Int) {
    var value = timeval(tv_sec: seconds, tv_usec: 0)
    _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
  }

  /// Sends all of `bytes` (blocking); throws on any error, including a send timeout.
  static func sendAll(_ fd: Int32, _ bytes: [UInt8]) throws {
    var offset = 0
    while offset < bytes.count {
      let sent = bytes.withUnsafeBytes { buffer in
        Glibc.send(fd, buffer.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
      }
      if sent < 0 {
        if errno == EINTR { continue }
        throw HarnessError("send after \(offset) of \(bytes.count) bytes: \(errnoText())")
      }
      offset += sent
    }
  }

  static func errnoText(_ code: Int32 = errno) -> String {
    String(cString: strerror(code)) + " (errno \(code))"
  }
}

/// A failed `connect`, kept apart so callers can tell "refused" from other failures.
struct ConnectError: Error, CustomStringConvertible {
  let port: UInt16
  let code: Int32
  var isRefused: Bool { code == ECONNREFUSED }
  var description: String { "connect 127.0.0.1:\(port): \(LoopbackSocket.errnoText(code))" }
}
