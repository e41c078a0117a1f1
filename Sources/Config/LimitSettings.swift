/// `[limits]`: what one client may cost. Immutable.
public struct LimitSettings: Sendable, Equatable {
  /// Time allowed to receive a whole request head.
  public let headerTimeout: Duration
  /// Time a keep-alive connection may sit between requests.
  public let idleTimeout: Duration
  public let maxRequestLineBytes: Int
  public let maxHeaderBytes: Int
  public let maxHeaders: Int
  /// Open client connections per process.
  public let maxConnections: Int
  /// 0 means no limit.
  public let maxBodyBytes: Int

  public init(
    headerTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(60),
    maxRequestLineBytes: Int = 8192, maxHeaderBytes: Int = 16384, maxHeaders: Int = 100,
    maxConnections: Int = 10000, maxBodyBytes: Int = 0
  ) {
    self.headerTimeout = headerTimeout
    self.idleTimeout = idleTimeout
    self.maxRequestLineBytes = maxRequestLineBytes
    self.maxHeaderBytes = maxHeaderBytes
    self.maxHeaders = maxHeaders
    self.maxConnections = maxConnections
    self.maxBodyBytes = maxBodyBytes
  }
}
