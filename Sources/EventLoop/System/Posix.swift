public import Glibc

/// Descriptor I/O: the only reads, writes and closes in Gatehouse. Thread-safe (no state); a
/// descriptor itself belongs to one loop thread.
///
/// Each call is one system call (plus `EINTR` retries): the proxy reads once per readiness event
/// and writes optimistically, so none of these loops until `EAGAIN`.
public enum Posix {
  /// One `recv(2)`; falls back to `read(2)` for descriptors that are not sockets (pipes in
  /// tests). `recv` skips the VFS layer `read` goes through on a socket (file-position lookup,
  /// `rw_verify_area`, the security hook, `fsnotify`): measurably less kernel time per request
  /// (docs/performance.md, "Pass-through, round 4"). `count` must be > 0, so that `.eof` can
  /// only mean end of file.
  @inline(__always)
  public static func read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> IOStatus {
    precondition(count > 0, "read of 0 bytes")
    let status = Syscall.io("recv") { Glibc.recv(fd, buffer, count, 0) }
    if case .failed(ENOTSOCK) = status {
      return Syscall.io("read") { Glibc.read(fd, buffer, count) }
    }
    return status
  }

  /// One `send(2)` with `MSG_NOSIGNAL` (a closed peer is `.failed(EPIPE)`, never `SIGPIPE`);
  /// falls back to `write(2)` for descriptors that are not sockets (pipes in tests).
  /// `count` must be > 0.
  @inline(__always)
  public static func write(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> IOStatus {
    precondition(count > 0, "write of 0 bytes")
    let status = Syscall.io("send") { Glibc.send(fd, buffer, count, Int32(MSG_NOSIGNAL)) }
    if case .failed(ENOTSOCK) = status {
      return Syscall.io("write") { Glibc.write(fd, buffer, count) }
    }
    return status
  }

  /// One `sendmsg(2)` of `count` iovecs with `MSG_NOSIGNAL`; `writev(2)` for non-sockets.
  @inline(__always)
  public static func writev(_ fd: Int32, _ iov: UnsafePointer<iovec>, _ count: Int32) -> IOStatus {
    precondition(count > 0, "writev of 0 iovecs")
    var message = msghdr()
    message.msg_iov = UnsafeMutablePointer(mutating: iov)
    message.msg_iovlen = Int(count)
    let status = Syscall.io("sendmsg") { Glibc.sendmsg(fd, &message, Int32(MSG_NOSIGNAL)) }
    if case .failed(ENOTSOCK) = status {
      return Syscall.io("writev") { Glibc.writev(fd, iov, count) }
    }
    if case .eof = status {
      // sendmsg returns 0 only when every iovec is empty: nothing was asked, nothing was done.
      return .wouldBlock
    }
    return status
  }

  /// `close(2)`, never retried: after `EINTR` Linux has already released the descriptor, and a
  /// retry could close a descriptor another thread has just been given.
  public static func close(_ fd: Int32) {
    if Glibc.close(fd) != 0 {
      let code = errno
      if code == EBADF { Syscall.bug("close", code) }
    }
  }

  /// `shutdown(SHUT_WR)`: sends FIN after the queued bytes. `ENOTCONN` (the peer already went
  /// away) is ignored: the next read reports it.
  public static func shutdownWrite(_ fd: Int32) {
    if Glibc.shutdown(fd, Int32(SHUT_WR)) != 0 {
      let code = errno
      if code == EBADF || code == ENOTSOCK { Syscall.bug("shutdown", code) }
    }
  }
}
