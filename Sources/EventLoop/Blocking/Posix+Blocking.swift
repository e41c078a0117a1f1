import Glibc

extension Posix {
  /// Writes all of `bytes` to `fd` with `write(2)`, waiting (in `poll`) whenever a non-blocking
  /// descriptor is full. For helper threads only (the log writer): it blocks for as long as the
  /// reader does not read. Returns 0, or the errno that stopped it (`EPIPE`: the reader went).
  ///
  /// Unlike the loop's calls, `EBADF` is returned rather than fatal: the descriptor is usually
  /// one the process was started with (stdout), which the environment may have closed.
  public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
    var offset = 0
    while offset < bytes.count {
      let result = Syscall.retrying { Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset) }
      if result > 0 {
        offset += result
        continue
      }
      let code = Int32(-result)
      guard result < 0, code == EAGAIN || code == EWOULDBLOCK else { return result == 0 ? EIO : code }
      _ = Poll.wait(fd, for: Poll.writable, timeoutNanos: nil)
    }
    return 0
  }
}
