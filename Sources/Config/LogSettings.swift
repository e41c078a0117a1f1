public import Logging

/// `[log]`. Immutable.
public struct LogSettings: Sendable, Equatable {
  public let level: Logger.Level
  public let format: LogFormat
  /// One access-log line per request.
  public let accessLog: Bool
  /// Whether access-log lines include the query string (it often carries tokens, so off by default).
  public let logQuery: Bool

  public init(
    level: Logger.Level = .info, format: LogFormat = .json, accessLog: Bool = true, logQuery: Bool = false
  ) {
    self.level = level
    self.format = format
    self.accessLog = accessLog
    self.logQuery = logQuery
  }
}
