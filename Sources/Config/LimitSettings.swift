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
  /// Time a request body may take to arrive, extended by one second for every `bodyMinRate`
  /// bytes received (Apache's mod_reqtimeout model): a trickle ends, a large upload at a
  /// reasonable rate does not (docs/security.md, "Slow bodies").
  public let bodyTimeout: Duration
  /// Bytes per second that earn a body one more second; 0 makes `bodyTimeout` a fixed deadline.
  public let bodyMinRate: Int
  /// Methods refused with 501 before routing (names compared exactly; methods are case-sensitive).
  public let refusedMethods: [String]

  public static let defaultRefusedMethods = ["TRACE", "TRACK"]

  public init(
    headerTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(60),
    maxRequestLineBytes: Int = 8192, maxHeaderBytes: Int = 16384, maxHeaders: Int = 100,
    maxConnections: Int = 10000, maxBodyBytes: Int = 0, bodyTimeout: Duration = .seconds(20),
    bodyMinRate: Int = 500, refusedMethods: [String] = LimitSettings.defaultRefusedMethods
  ) {
    self.headerTimeout = headerTimeout
    self.idleTimeout = idleTimeout
    self.maxRequestLineBytes = maxRequestLineBytes
    self.maxHeaderBytes = maxHeaderBytes
    self.maxHeaders = maxHeaders
    self.maxConnections = maxConnections
    self.maxBodyBytes = maxBodyBytes
    self.bodyTimeout = bodyTimeout
    self.bodyMinRate = bodyMinRate
    self.refusedMethods = refusedMethods
  }
}
