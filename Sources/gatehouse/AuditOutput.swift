import EventLoop
import Proxy

/// Where `gatehouse audit` writes and what time it says: the report file, whether standard
/// output is a terminal (colour), and the audit date from the system clock. Stateless.
enum AuditOutput {
  static func write(_ text: String, to path: String) throws {
    try File.write(path: path, bytes: Array(text.utf8))
  }

  static var standardOutputIsTerminal: Bool { Terminal.isTerminal(1) }

  /// Now, RFC 3339 UTC with milliseconds.
  static func now() -> String { Timestamp.iso8601(nanos: SystemClock().wallNanos()) }
}
