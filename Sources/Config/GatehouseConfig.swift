/// The whole validated configuration, as loaded by `ConfigLoader`. A snapshot: immutable, safe to
/// share between threads; a reload builds a new one.
public struct GatehouseConfig: Sendable, Equatable {
  public let server: ServerSettings
  public let upstream: UpstreamSettings
  public let limits: LimitSettings
  public let admin: AdminSettings
  public let headers: HeaderSettings
  public let log: LogSettings
  public let jwt: JWTSettings
  /// In file order; the first match wins.
  public let routes: [RouteSettings]
  /// `[session]`; nil when the file has none.
  public let session: SessionSettings?
  public let health: HealthSettings
  public let tracing: TracingSettings
  /// `[cookie_policy]`; nil when the file has none (the app's cookies pass untouched).
  public let cookiePolicy: CookiePolicySettings?
  /// `[assertion]`; nil when the file has none.
  public let assertion: AssertionSettings?

  public init(
    server: ServerSettings = ServerSettings(), upstream: UpstreamSettings = UpstreamSettings(),
    limits: LimitSettings = LimitSettings(), admin: AdminSettings = AdminSettings(),
    headers: HeaderSettings = HeaderSettings(), log: LogSettings = LogSettings(),
    jwt: JWTSettings = JWTSettings(),
    routes: [RouteSettings] = [],
    session: SessionSettings? = nil, health: HealthSettings = HealthSettings(),
    tracing: TracingSettings = TracingSettings(), cookiePolicy: CookiePolicySettings? = nil,
    assertion: AssertionSettings? = nil
  ) {
    self.cookiePolicy = cookiePolicy
    self.assertion = assertion
    self.tracing = tracing
    self.health = health
    self.session = session
    self.server = server
    self.upstream = upstream
    self.limits = limits
    self.admin = admin
    self.headers = headers
    self.log = log
    self.jwt = jwt
    self.routes = routes
  }
}
