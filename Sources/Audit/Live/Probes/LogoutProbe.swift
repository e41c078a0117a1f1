import Codecs
import Sessions

/// GH-PROBE-LOGOUT: after the app's logout the old cookie is refused, the browser is told to
/// drop it, and the session is gone on the server (the admin API no longer lists it) — not
/// merely forgotten by the browser.
struct LogoutProbe: LiveProbe {
  let definition = CheckDefinition(
    id: "GH-PROBE-LOGOUT", title: "Logout ends the session on the server, not only in the browser",
    category: .expiry, severity: .high,
    recommendation:
      "Have the app answer its logout with Gatehouse-Logout: this (or all); clearing the cookie in the browser alone leaves a copied ticket working."
  )

  func run(_ context: LiveAuditContext) throws(AuditError) -> CheckOutcome {
    try withSessions(context) { agent throws(AuditError) in
      guard let path = context.options.logoutPath else {
        return .skipped("no --logout PATH given")
      }
      var problems: [String] = []
      var evidence: [String] = []
      var partial: [String] = []
      let ticket = try agent.login()
      var hash = SessionTicket.unverifiedHashForLogs(ticket)
      if let admin = context.admin, let listed = hash {
        if try admin.sessionHashes(user: context.options.sessionUser).contains(listed) {
          evidence.append("before logout the admin API lists session \(listed)")
        } else {
          // Without it listed before, its absence after proves nothing.
          partial.append(
            "the admin API does not list session \(listed) of user \(context.options.sessionUser) (is --session-user right?): server-side state not checked"
          )
          hash = nil
        }
      }
      var headers: [HTTPHeader] = [HTTPHeader("Content-Type", "application/x-www-form-urlencoded")]
      var body = "gatehouse_audit=1"
      if let token = try agent.csrfToken(ticket) {
        headers.append(HTTPHeader(agent.session.csrfHeader, token))
        body +=
          "&" + PercentEncoding.encode(agent.session.csrfFormField) + "=" + PercentEncoding.encode(token)
      }
      let logout = try agent.request(
        "POST", path: path, ticket: ticket, headers: headers, body: Array(body.utf8))
      if logout.status == 403 && logout.gatehouseError != nil {
        throw AuditError(
          .login,
          "POST \(path) was refused (\(logout.summary)): give --reflect so the audit can send the CSRF token")
      }
      if logout.cookies(named: agent.cookieName).contains(where: \.isDeletion) {
        evidence.append("POST \(path) answered \(logout.summary) with a deletion cookie")
      } else {
        problems.append("POST \(path) answered \(logout.summary) without a cookie deletion")
      }
      let (after, response) = try agent.check(ticket)
      if after == .refused {
        evidence.append("the old cookie is refused after logout (\(response.summary))")
      } else {
        problems.append("the old cookie still works after logout (\(response.summary))")
      }
      if let admin = context.admin, let hash {
        if try admin.sessionHashes(user: context.options.sessionUser).contains(hash) {
          problems.append("the admin API still lists session \(hash) after logout")
        } else {
          evidence.append("the admin API no longer lists session \(hash)")
        }
      } else if context.admin == nil {
        partial.append("server-side state not checked: no admin API")
      }
      if !problems.isEmpty { return CheckOutcome(.failed, problems + evidence + partial) }
      return partial.isEmpty ? CheckOutcome(.passed, evidence) : CheckOutcome(.warning, partial + evidence)
    }
  }
}
