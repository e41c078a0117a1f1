import Glibc

/// Reads a whole small file (the configuration, `file:` secrets) with plain POSIX calls.
/// Blocking: configuration time only, never on a loop thread. Stateless.
enum ConfigFileReader {
  /// The file's bytes, or the reason it could not be read ("No such file or directory").
  static func read(_ path: String, limit: Int = 16 << 20) -> Result<[UInt8], ReadFailure> {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return .failure(ReadFailure(errno: errno)) }
    defer { _ = close(fd) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        return .failure(ReadFailure(errno: errno))
      }
      if count == 0 { return .success(out) }
      out.append(contentsOf: chunk[0..<count])
      if out.count > limit { return .failure(ReadFailure(reason: "file is larger than \(limit) bytes")) }
    }
  }

  struct ReadFailure: Error {
    let reason: String

    init(reason: String) { self.reason = reason }

    init(errno code: Int32) {
      reason = String(cString: strerror(code))
    }
  }

  /// `path` itself if absolute, otherwise `path` under `base`.
  static func resolve(_ path: String, under base: String) -> String {
    if path.hasPrefix("/") || base.isEmpty { return path }
    return base.hasSuffix("/") ? base + path : base + "/" + path
  }

  /// The directory part of a path: "conf/proxy.conf" → "conf", "proxy.conf" → ".".
  static func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    let directory = String(path[..<slash])
    return directory.isEmpty ? "/" : directory
  }
}
