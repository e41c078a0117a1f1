import Config

/// Checks on the session cookie's attributes: how the browser may send and expose it.
enum TransportChecks {
  static let all = [secure, httpOnly, sameSite, hostPrefix]

  static let secure = StaticCheck.sessionSwitch(
    "GH-TRN-001", "The session cookie is Secure", .transport, .critical,
    recommendation:
      "Set [session] secure_cookie = true and serve the site over HTTPS only: without Secure one plain-HTTP request hands the ticket to anyone on the path.",
    key: "secure_cookie", safe: true, risk: "browsers also send the ticket over plain HTTP"
  ) { $0.secureCookie }

  static let httpOnly = StaticCheck.sessionSwitch(
    "GH-TRN-002", "The session cookie is HttpOnly", .transport, .high,
    recommendation:
      "Set [session] http_only = true; scripts that need the CSRF token get it from the X-CSRF-Token header or csrf_cookie, never from the session cookie.",
    key: "http_only", safe: true, risk: "any script injected into the app can read the ticket"
  ) { $0.httpOnly }

  static let sameSite = StaticCheck(
    "GH-TRN-003", "The session cookie is SameSite Lax or Strict", .transport, .medium,
    recommendation:
      "Set [session] same_site = \"Lax\" (or \"Strict\"): with None every cross-site request carries the session and only the CSRF token stands in the way."
  ) { config in
    StaticCheck.session(config) { session in
      session.sameSite == .none
        ? .failed("[session] same_site = \"None\": cross-site requests carry the session cookie")
        : .passed("[session] same_site = \"\(session.sameSite.rawValue)\"")
    }
  }

  static let hostPrefix = StaticCheck(
    "GH-TRN-004", "The session cookie name has the __Host- prefix", .transport, .medium,
    recommendation:
      "Name the cookie __Host-… (the default __Host-gatehouse): browsers then refuse it unless it is Secure, host-only and Path=/, so a sibling subdomain cannot plant or shadow it."
  ) { config in
    StaticCheck.session(config) { session in
      if session.cookieName.hasPrefix("__Host-") {
        return .passed("cookie_name = \"\(session.cookieName)\"")
      }
      var evidence = ["cookie_name = \"\(session.cookieName)\" has no __Host- prefix"]
      if !session.cookieDomain.isEmpty {
        evidence.append("cookie_domain = \"\(session.cookieDomain)\": every subdomain receives the ticket")
      }
      return CheckOutcome(.failed, evidence)
    }
  }
}
