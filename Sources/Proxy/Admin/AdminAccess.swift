import Crypto
import HTTP1

/// Who called the admin API, as far as access goes. Immutable.
enum AdminCaller: Equatable, Sendable {
  /// No `[admin] token` is configured: the listener is open to whoever reaches it (keep it on
  /// loopback), and the dashboard is read-only.
  case open
  /// `Authorization: Bearer <token>` (curl, scripts, Prometheus).
  case bearer(AdminTokenID)
  /// A browser signed in through the dashboard (`AdminSessionCookie`).
  case browser(AdminSessionCookie.Claims)

  /// The operator's token id for security events ("none" without a token).
  var tokenID: String {
    switch self {
    case .open: return "none"
    case .bearer(let id): return id.description
    case .browser(let claims): return claims.tokenID.description
    }
  }

  /// How the caller got in: `open`, `token` or `dashboard`.
  var via: String {
    switch self {
    case .open: return "open"
    case .bearer: return "token"
    case .browser: return "dashboard"
    }
  }
}

/// The admin API's access rule (docs/dashboard.md, "Access"), a pure function of the request,
/// the configured token and the time:
///
/// - no token configured → `open` (as before the dashboard: a loopback listener needs none);
/// - the right bearer token → `bearer`;
/// - a valid dashboard cookie for the current token, on a request that is not `Sec-Fetch-Site:
///   cross-site` → `browser`; a state-changing request then also needs `X-CSRF-Token`;
/// - anything else → refused (401).
///
/// Stateless; thread-safe.
enum AdminAccess {
  enum Decision: Equatable {
    case allowed(AdminCaller)
    /// No or wrong credentials (401).
    case unauthorized
    /// Signed in by cookie, but the CSRF token is missing or wrong (403).
    case csrfRefused
  }

  static func decide(
    _ request: AdminRequest, token: [UInt8]?, cookies: AdminSessionCookie, nowSeconds: Int64
  ) -> Decision {
    guard let token else { return .allowed(.open) }
    let tokenID = AdminTokenID(token: token)
    if bearerMatches(request.authorization, token: token) { return .allowed(.bearer(tokenID)) }
    guard let claims = cookieClaims(request, tokenID: tokenID, cookies: cookies, nowSeconds: nowSeconds)
    else {
      return .unauthorized
    }
    if request.isStateChanging && !cookies.csrfMatches(request.csrfToken, claims: claims) {
      return .csrfRefused
    }
    return .allowed(.browser(claims))
  }

  /// The claims of the request's dashboard cookie, when it is valid for `tokenID` now.
  static func cookieClaims(
    _ request: AdminRequest, tokenID: AdminTokenID, cookies: AdminSessionCookie, nowSeconds: Int64
  ) -> AdminSessionCookie.Claims? {
    if let site = request.fetchSite, site == Array("cross-site".utf8) { return nil }
    guard let field = request.cookie,
      let value = CookieHeader.value(named: AdminSessionCookie.name, in: field)
    else { return nil }
    return cookies.verify(value, tokenID: tokenID, nowSeconds: nowSeconds)
  }

  /// `Bearer <token>`: scheme case-insensitive (RFC 9110 §11.1), one space, token compared in
  /// constant time.
  static func bearerMatches(_ value: [UInt8]?, token: [UInt8]) -> Bool {
    guard let value, value.count > 7 else { return false }
    let scheme = Array("bearer ".utf8)
    for index in 0..<7 where ASCIIFold.lower(value[index]) != scheme[index] { return false }
    return ConstantTime.equals(Array(value[7...]), token)
  }

  static let unauthorizedResponse = AdminResponse.text(
    401, "unauthorized", extraHeaders: [("WWW-Authenticate", "Bearer")])
  static let csrfResponse = AdminResponse.json(403, #"{"error":"missing or wrong X-CSRF-Token"}"#)
}
