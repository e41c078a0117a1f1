import Crypto
import HTTP1

/// `/dashboard/access`: how a browser signs in to the admin API (docs/dashboard.md, "Access").
///
///     GET     what this browser may do: {"mode":"token"|"open","signed_in":…,"csrf":…,…}
///     POST    sign in: `Authorization: Bearer <token>` (typed once into the page's form) →
///             the `__Host-` cookie (`AdminSessionCookie`) and the CSRF token; 401 otherwise
///     DELETE  sign out (needs the CSRF token): the cookie is deleted
///
/// The token travels in a header, never in a URL or a form body, so it cannot end up in a log,
/// the history or a `Referer`; a cross-site page cannot send the header without a CORS
/// preflight the admin listener never grants. Without a configured token there is nothing to
/// sign in to: the page is read-only and `mode` says so. Each sign-in, refused sign-in and
/// sign-out is a security event. A value over `AdminEndpoints`; thread-safe.
struct DashboardAccess {
  let endpoints: AdminEndpoints

  func respond(_ request: AdminRequest, token: [UInt8]?) -> AdminResponse {
    let now = endpoints.clock.wallNanos() / 1_000_000_000
    switch request.method {
    case .get, .head:
      guard let token else { return state(open: true, claims: nil, now: now) }
      let claims = AdminAccess.cookieClaims(
        request, tokenID: AdminTokenID(token: token), cookies: endpoints.signIns, nowSeconds: now)
      return state(open: false, claims: claims, now: now)
    case .post:
      guard let token else {
        return .json(409, #"{"error":"no admin token is configured: the dashboard is read-only"}"#)
      }
      let tokenID = AdminTokenID(token: token)
      if let fetchSite = request.fetchSite, fetchSite == Array("cross-site".utf8) {
        return AdminAccess.unauthorizedResponse
      }
      guard AdminAccess.bearerMatches(request.authorization, token: token) else {
        endpoints.events(AdminEvent(kind: "admin_sign_in_refused", tokenID: "-", via: "dashboard"))
        return AdminAccess.unauthorizedResponse
      }
      let (value, claims) = endpoints.signIns.issue(tokenID: tokenID, nowSeconds: now)
      endpoints.events(AdminEvent(kind: "admin_sign_in", caller: .browser(claims)))
      var response = state(open: false, claims: claims, now: now)
      response.extraHeaders.append(AdminSessionCookie.setCookie(value))
      return response
    case .delete:
      switch endpoints.decide(request, token: token) {
      case .allowed(let caller):
        if case .browser = caller { endpoints.events(AdminEvent(kind: "admin_sign_out", caller: caller)) }
        var response = state(open: token == nil, claims: nil, now: now)
        response.extraHeaders.append(AdminSessionCookie.deletion)
        return response
      case .unauthorized:
        return AdminAccess.unauthorizedResponse
      case .csrfRefused:
        return AdminAccess.csrfResponse
      }
    default:
      return .text(405, "method not allowed", extraHeaders: [("Allow", "GET, HEAD, POST, DELETE")])
    }
  }

  /// `{"mode":"token","signed_in":true,"csrf":"…","token_id":"…","expires_in":3599}` or, for
  /// an open listener, `{"mode":"open","signed_in":false,"read_only":true}`.
  private func state(open: Bool, claims: AdminSessionCookie.Claims?, now: Int64) -> AdminResponse {
    var body = "{\"mode\":\(open ? "\"open\"" : "\"token\""),\"read_only\":\(open)"
    if let claims {
      body += ",\"signed_in\":true,\"csrf\":\"\(endpoints.signIns.csrfToken(for: claims))\""
      body += ",\"token_id\":\"\(claims.tokenID)\",\"expires_in\":\(max(0, claims.expiresAt - now))"
    } else {
      body += ",\"signed_in\":false"
    }
    return AdminResponse(
      status: 200, contentType: AdminResponse.json, body: Array((body + "}\n").utf8),
      extraHeaders: DashboardPage.apiHeaders)
  }
}
