public import Logging

/// `[log]`. Immutable.
public struct LogSettings: Sendable, Equatable {
  public let level: Logger.Level
  public let format: LogFormat
  /// One access-log line per request.
  public let accessLog: Bool
  /// Whether access-log lines include the query string (it often carries tokens, so off by default).
  public let logQuery: Bool
  /// Security log lines a client may cause per second (token bucket per client IP); 0 = no limit.
  public let securityEventsPerSecond: Int
  /// Lines a client may cause at once before the rate applies.
  public let securityEventsBurst: Int
  /// Session lifecycle events name the user id; off: its keyed hash (the ticket's user tag).
  public let logUserIDs: Bool

  public init(
    level: Logger.Level = .info, format: LogFormat = .json, accessLog: Bool = true, logQuery: Bool = false,
    securityEventsPerSecond: Int = 5, securityEventsBurst: Int = 20, logUserIDs: Bool = false
  ) {
    self.logUserIDs = logUserIDs
    self.level = level
    self.format = format
    self.accessLog = accessLog
    self.logQuery = logQuery
    self.securityEventsPerSecond = securityEventsPerSecond
    self.securityEventsBurst = securityEventsBurst
  }
}
