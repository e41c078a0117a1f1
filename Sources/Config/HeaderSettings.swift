/// `[headers]`: request headers a client must not be able to set. Immutable.
public struct HeaderSettings: Sendable, Equatable {
  /// Identity and control headers Gatehouse or the app treats as trusted.
  public static let defaultStrip = [
    "X-User-Id", "X-Auth-*", "X-Session-*", "X-Forwarded-User", "X-Csrf-Token", "X-Request-Start",
    "Gatehouse-*",
  ]

  /// Field-name patterns removed from every request: a name, or a prefix ending in `*`; matched
  /// case-insensitively (see HTTP1's `FieldNameMatcher`).
  public let strip: [String]
  public let requestIdHeader: String

  public init(strip: [String] = HeaderSettings.defaultStrip, requestIdHeader: String = "X-Request-Id") {
    self.strip = strip
    self.requestIdHeader = requestIdHeader
  }
}
