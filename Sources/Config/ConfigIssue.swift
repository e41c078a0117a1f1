/// One problem in a configuration file, with where it is. Immutable.
public struct ConfigIssue: Sendable, Equatable, CustomStringConvertible {
  public let file: String
  /// 1-based; 0 when the problem is not on a line (unreadable file).
  public let line: Int
  /// Dotted key ("upstream.connect_timeout", "route[2].auth"); empty for syntax errors.
  public let key: String
  public let message: String

  public init(file: String, line: Int, key: String, message: String) {
    self.file = file
    self.line = line
    self.key = key
    self.message = message
  }

  /// `proxy.conf:12: upstream.connect_timeout: invalid duration "2x" (use a number with ms, s, m or h)`
  public var description: String {
    let place = line > 0 ? "\(file):\(line)" : file
    return key.isEmpty ? "\(place): \(message)" : "\(place): \(key): \(message)"
  }
}
