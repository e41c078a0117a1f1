import CLinux
import Glibc
public import Net

/// TCP socket set-up: listeners, accept, outgoing connects, socket options. Thread-safe (no
/// state). Every descriptor is born `O_NONBLOCK | O_CLOEXEC`.
public enum Socket {
  /// A listening TCP socket. `SO_REUSEADDR` always (restarts do not wait for TIME_WAIT);
  /// `SO_REUSEPORT` if asked, so every worker thread can own a listener on the same port and the
  /// kernel spreads connections; `IPV6_V6ONLY` off so `[::]` also accepts IPv4.
  public static func makeListener(
    _ address: SocketAddress, reusePort: Bool, backlog: Int32 = 1024
  ) throws(SystemError) -> Int32 {
    let fd = try makeSocket(address)
    do throws(SystemError) {
      try setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1, "setsockopt(SO_REUSEADDR)")
      if reusePort {
        try setOption(fd, SOL_SOCKET, SO_REUSEPORT, 1, "setsockopt(SO_REUSEPORT)")
      }
      if !address.ip.isIPv4 {
        try setOption(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, 0, "setsockopt(IPV6_V6ONLY)")
      }
      let bound = address.withSockAddr { pointer, length in Glibc.bind(fd, pointer, length) == 0 ? 0 : errno }
      if bound != 0 {
        Syscall.stopIfBug("bind", bound)
        throw SystemError(call: "bind", code: bound)
      }
      _ = try Syscall.check("listen") { Glibc.listen(fd, backlog) }
    } catch {
      Posix.close(fd)
      throw error
    }
    return fd
  }

  /// One `accept4(SOCK_NONBLOCK | SOCK_CLOEXEC)`. `ECONNABORTED` (the client gave up while
  /// queued) is skipped and the next connection taken.
  public static func accept(_ listener: Int32) -> AcceptResult {
    var storage = sockaddr_storage()
    while true {
      var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
      let result = withUnsafeMutablePointer(to: &storage) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
          Syscall.retrying {
            Int(gh_accept4(listener, address, &length, Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)))
          }
        }
      }
      if result >= 0 {
        let fd = Int32(result)
        let peer = withUnsafePointer(to: &storage) { pointer in
          pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { SocketAddress(sockaddr: $0) }
        }
        return .accepted(fd: fd, peer: peer ?? SocketAddress(ip: .v4(0), port: 0))
      }
      let code = Int32(-result)
      switch code {
      case EAGAIN, EWOULDBLOCK: return .wouldBlock
      case ECONNABORTED: continue
      case EBADF, EFAULT, EINVAL, ENOTSOCK, EOPNOTSUPP: Syscall.bug("accept4", code)
      default: return .failed(code)
      }
    }
  }

  /// Starts a non-blocking connect, from `source` (an address of this host, port 0) when given.
  /// `connected` is false for `EINPROGRESS`: wait for write readiness, then read
  /// `pendingError`. Refusals reported at once (`ECONNREFUSED`, `ENETUNREACH`...) and a source
  /// that cannot be bound (`EADDRNOTAVAIL`) are thrown.
  public static func connect(_ address: SocketAddress, from source: IPAddress? = nil) throws(SystemError) -> (
    fd: Int32, connected: Bool
  ) {
    let fd = try makeSocket(address)
    if let source {
      let bound = SocketAddress(ip: source, port: 0).withSockAddr { pointer, length in
        Glibc.bind(fd, pointer, length) == 0 ? 0 : errno
      }
      if bound != 0 {
        Posix.close(fd)
        Syscall.stopIfBug("bind", bound)
        throw SystemError(call: "bind", code: bound)
      }
    }
    let code: Int32 = address.withSockAddr { pointer, length in
      Glibc.connect(fd, pointer, length) == 0 ? 0 : errno
    }
    switch code {
    case 0: return (fd, true)
    // EINTR: the connect goes on in the background, exactly like EINPROGRESS (retrying would
    // give EALREADY).
    case EINPROGRESS, EINTR: return (fd, false)
    default:
      Posix.close(fd)
      Syscall.stopIfBug("connect", code)
      throw SystemError(call: "connect", code: code)
    }
  }

  /// `SO_ERROR`: 0 once a non-blocking connect succeeded, else its errno (`ECONNREFUSED`...).
  /// Reading it clears it.
  public static func pendingError(_ fd: Int32) -> Int32 {
    var value: Int32 = 0
    var length = socklen_t(MemoryLayout<Int32>.size)
    if getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &length) != 0 {
      let code = errno
      Syscall.stopIfBug("getsockopt(SO_ERROR)", code)
      return code
    }
    return value
  }

  /// `TCP_NODELAY`: proxied heads and bodies go out at once instead of waiting for Nagle.
  public static func setNoDelay(_ fd: Int32) {
    do {
      try setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1, "setsockopt(TCP_NODELAY)")
    } catch {
      // Only possible on a socket that is not TCP; the option is a tuning, not a contract.
    }
  }

  /// Sets `FD_CLOEXEC` on a descriptor a C library opened without it (hiredis 0.14 calls
  /// `socket` without `SOCK_CLOEXEC`). Every descriptor Gatehouse opens itself is born with it.
  public static func setCloseOnExec(_ fd: Int32) {
    do {
      _ = try Syscall.check("fcntl(F_SETFD)") { fcntl(fd, F_SETFD, FD_CLOEXEC) }
    } catch {
      // fcntl(F_SETFD) fails only for a bad descriptor, which Syscall.check treats as a bug.
    }
  }

  /// `getsockname`: the bound address (learn the port after binding port 0).
  public static func localAddress(_ fd: Int32) -> SocketAddress? {
    address(fd, "getsockname") { fd, address, length in getsockname(fd, address, length) }
  }

  /// `getpeername`: the connected peer; nil if not connected.
  public static func peerAddress(_ fd: Int32) -> SocketAddress? {
    address(fd, "getpeername") { fd, address, length in getpeername(fd, address, length) }
  }

  private static func address(
    _ fd: Int32, _ call: StaticString,
    _ body: (Int32, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32
  ) -> SocketAddress? {
    var storage = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    return withUnsafeMutablePointer(to: &storage) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
        if body(fd, address, &length) != 0 {
          Syscall.stopIfBug(call, errno)
          return nil
        }
        return SocketAddress(sockaddr: address)
      }
    }
  }

  private static func makeSocket(_ address: SocketAddress) throws(SystemError) -> Int32 {
    let family = address.ip.isIPv4 ? AF_INET : AF_INET6
    let type = Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)
    return try Syscall.check("socket") { Glibc.socket(family, type, 0) }
  }

  private static func setOption(
    _ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32, _ call: StaticString
  ) throws(SystemError) {
    var value = value
    _ = try Syscall.check(call) {
      setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
    }
  }
}
