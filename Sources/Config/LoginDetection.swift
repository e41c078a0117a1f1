/// `[session.detect]`: login and logout of an app that cannot send `Gatehouse-Login` (docs/vault.md,
/// "Login and logout detection"). A login is `loginMethod` + `loginPath` whose response has a
/// status in `successStatus` (empty: any), sets `successCookie` (when not empty) and has a
/// `Location` starting with `successLocation` (when not empty); the user id comes from the form
/// field `userField` of the request body or, when `userHeader` is set, from that response header.
/// `logoutPath` (empty: none) destroys the session after the app answered. Immutable.
public struct LoginDetection: Sendable, Equatable {
  public var loginMethod = "POST"
  public var loginPath = "/login"
  public var successStatus: [Int] = [302, 303]
  public var successCookie = ""
  public var successLocation = ""
  public var userField = "username"
  public var userHeader = ""
  public var logoutPath = ""
  /// Largest login form read for `userField` (a longer body: no login detected).
  public var maxFormBytes = 16384

  public init() {}
}
