import Glibc

/// Whole-file reads for configuration time and helper threads (the config file, `file:`
/// secrets, `jwks_file`). Blocking: never call it on a loop thread. Thread-safe (no state).
public enum File {
  /// The bytes of the file at `path`, at most `limit` of them. Throws `SystemError` with the
  /// failing call — `open` (`ENOENT`, `EACCES`...) or `read` (`EISDIR`, `EIO`...) — or, for a
  /// file longer than `limit`, `read` with `EFBIG`.
  public static func readAll(path: String, limit: Int) throws(SystemError) -> [UInt8] {
    let file = FileDescriptor(
      owning: try Syscall.check("open") { Glibc.open(path, O_RDONLY | O_CLOEXEC) })
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
      // One byte more than the limit is enough to know the file is too long.
      let want = min(chunk.count, limit + 1 - bytes.count)
      let status = chunk.withUnsafeMutableBytes { raw in
        Syscall.io("read") { Glibc.read(file.rawValue, raw.baseAddress, want) }
      }
      switch status {
      case .bytes(let count):
        bytes.append(contentsOf: chunk[0..<count])
        if bytes.count > limit { throw SystemError(call: "read", code: EFBIG) }
      case .eof:
        return bytes
      case .wouldBlock:
        // A FIFO opened without a writer behaves like this; a regular file never does.
        throw SystemError(call: "read", code: EAGAIN)
      case .failed(let code):
        throw SystemError(call: "read", code: code)
      }
    }
  }
}

extension File {
  /// Creates or truncates the file at `path` (mode 0644 before the umask) and writes all of
  /// `bytes`. Throws `SystemError` with `open` or `write` and its errno.
  public static func write(path: String, bytes: [UInt8]) throws(SystemError) {
    let file = FileDescriptor(
      owning: try Syscall.check("open") { Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) })
    let code = bytes.withUnsafeBytes { Posix.writeAll(file.rawValue, $0) }
    file.close()
    if code != 0 { throw SystemError(call: "write", code: code) }
  }
}

extension SystemError {
  /// `File.readAll` refused a file longer than its limit.
  public var isOverLimit: Bool { code == EFBIG }
}
