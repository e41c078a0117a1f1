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
  /// Headers some frameworks read as "the real method" (docs/security.md, "Method overrides"): an
  /// unsafe method named in one makes the request unsafe for CSRF, whether or not it is stripped.
  public let methodOverrideHeaders: [String]
  /// Remove `methodOverrideHeaders` before forwarding.
  public let stripMethodOverride: Bool
  /// Query parameters read the same way (`?_method=DELETE`): never rewritten (the query is the
  /// app's), but an unsafe method there makes the request unsafe for CSRF.
  public let methodOverrideParams: [String]
  /// `Cache-Control` added to responses of authenticated requests that carry none; "" = never.
  public let authenticatedCacheControl: String

  public static let defaultMethodOverrideHeaders = [
    "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override",
  ]

  public init(
    strip: [String] = HeaderSettings.defaultStrip, requestIdHeader: String = "X-Request-Id",
    methodOverrideHeaders: [String] = HeaderSettings.defaultMethodOverrideHeaders,
    stripMethodOverride: Bool = true,
    methodOverrideParams: [String] = ["_method"], authenticatedCacheControl: String = "private, no-store"
  ) {
    self.strip = strip
    self.requestIdHeader = requestIdHeader
    self.methodOverrideHeaders = methodOverrideHeaders
    self.stripMethodOverride = stripMethodOverride
    self.methodOverrideParams = methodOverrideParams
    self.authenticatedCacheControl = authenticatedCacheControl
  }
}
