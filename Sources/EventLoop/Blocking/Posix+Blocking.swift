import Glibc

extension Posix {
  /// Writes all of `bytes` to `fd`, waiting (in `poll`) whenever a non-blocking descriptor is
  /// full. For helper threads only (the log writer): it blocks for as long as the reader does not
  /// read. Returns 0, or the errno that stopped it (`EPIPE`: the reader went).
  ///
  /// Like `write`, it sends with `MSG_NOSIGNAL` to a socket and falls back to `write(2)` for
  /// anything else (a pipe can still raise `SIGPIPE`, which `gatehouse` ignores process-wide).
  /// Unlike the loop's calls, `EBADF` is returned rather than fatal: the descriptor is usually
  /// one the process was started with (stdout), which the environment may have closed.
  public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
    var offset = 0
    var isSocket = true
    while offset < bytes.count {
      let start = bytes.baseAddress! + offset
      let count = bytes.count - offset
      let result = Syscall.retrying {
        isSocket ? Glibc.send(fd, start, count, Int32(MSG_NOSIGNAL)) : Glibc.write(fd, start, count)
      }
      if result > 0 {
        offset += result
        continue
      }
      let code = result == 0 ? EIO : Int32(-result)
      switch code {
      case ENOTSOCK where isSocket: isSocket = false
      case EAGAIN, EWOULDBLOCK: _ = Poll.wait(fd, for: Poll.writable, timeoutNanos: nil)
      default: return code
      }
    }
    return 0
  }
}
