extension GatehouseConfig {
  /// Every cookie name Gatehouse sets itself. The app may never set one of these: its
  /// `Set-Cookie` lines with such a name are dropped (docs/security.md, "Cookies Gatehouse
  /// owns"), so a header-injection bug in the app cannot plant a session or a CSRF cookie. A
  /// feature that adds a cookie of its own adds its name here.
  public var ownedCookieNames: [String] {
    var names: [String] = []
    if let session {
      names.append(session.cookieName)
      if !session.csrfCookie.isEmpty { names.append(session.csrfCookie) }
    }
    if let cookiePolicy { names.append(cookiePolicy.consentCookie) }
    return names
  }
}
