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
}
