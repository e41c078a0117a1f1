import EventLoop

/// Reads a whole small file (the configuration, `file:` secrets) through `File.readAll`.
/// Blocking: configuration time only, never on a loop thread. Stateless.
enum ConfigFileReader {
  /// The file's bytes, or the reason it could not be read ("No such file or directory").
  static func read(_ path: String, limit: Int = 16 << 20) -> Result<[UInt8], ReadFailure> {
    do {
      return .success(try File.readAll(path: path, limit: limit))
    } catch {
      return .failure(ReadFailure(error, limit: limit))
    }
  }

  struct ReadFailure: Error {
    let reason: String

    init(_ error: SystemError, limit: Int) {
      reason = error.isOverLimit ? "file is larger than \(limit) bytes" : error.reason
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
