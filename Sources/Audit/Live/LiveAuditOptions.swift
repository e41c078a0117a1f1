public import Net

/// What the operator told `gatehouse audit` about the deployment and how hard to probe it.
/// Defaults are the command's defaults (docs/security.md). Immutable.
public struct LiveAuditOptions: Sendable {
  public var login: LoginForm
  /// The user every probe logs in as (one test account is enough: every probe uses its own
  /// sessions), and the id Gatehouse knows it by (what the app sends in Gatehouse-Login).
  public var user: String
  public var sessionUser: String
  /// A session route that echoes the request headers it received (the spoof probe's witness and
  /// where CSRF tokens are read from); nil when the app has none.
  public var reflectPath: String?
  /// A session route to ask "is this session accepted?"; nil = the reflect path or the first
  /// session route that takes GET.
  public var sessionPath: String?
  /// Where the app logs out (POST with the CSRF token); nil skips the logout probe.
  public var logoutPath: String?
  /// Logins for the id-quality probe.
  public var logins: Int = 200
  /// Requests per kind for the timing probe.
  public var timingSamples: Int = 2000
  /// |t| at or above this is reported (as a warning).
  public var timingThreshold: Double = 4.5
  /// The longest the rotation probe waits for a new id.
  public var rotationWait: Duration = .seconds(30)
  /// A local address in another subnet to replay a cookie from (hijack probe); nil = a second
  /// loopback address when the target is on loopback.
  public var replaySource: IPAddress?

  public init(login: LoginForm, user: String, sessionUser: String? = nil) {
    self.login = login
    self.user = user
    self.sessionUser = sessionUser ?? user
  }
}
