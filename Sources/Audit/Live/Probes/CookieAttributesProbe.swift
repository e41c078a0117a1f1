/// GH-PROBE-COOKIE: the session cookie a real login sets carries the attributes that keep it
/// to this host over HTTPS and away from scripts — whatever the configuration says, this is
/// what browsers are told.
struct CookieAttributesProbe: LiveProbe {
  let definition = CheckDefinition(
    id: "GH-PROBE-COOKIE", title: "A login's Set-Cookie is Secure, HttpOnly, SameSite, host-only",
    category: .transport,
    severity: .high,
    recommendation:
      "Keep [session] secure_cookie = true, http_only = true, same_site = \"Lax\", cookie_domain = \"\" and a __Host- cookie name, and check that nothing in front of Gatehouse rewrites Set-Cookie."
  )

  func run(_ context: LiveAuditContext) throws(AuditError) -> CheckOutcome {
    try withSessions(context) { agent throws(AuditError) in
      let login = try agent.tryLogin()
      guard let cookie = login.cookie, login.ticket != nil else {
        throw AuditError(
          .login, "the login answered \(login.response.summary) without a \(agent.cookieName) cookie")
      }
      let attributes = cookie.attributes
      var problems: [String] = []
      if attributes["secure"] == nil { problems.append("no Secure: browsers send it over plain HTTP") }
      if attributes["httponly"] == nil { problems.append("no HttpOnly: scripts can read it") }
      switch attributes["samesite"]?.lowercased() {
      case "lax", "strict": break
      case let value?: problems.append("SameSite=\(value): sent with cross-site requests")
      case nil: problems.append("no SameSite attribute")
      }
      if let domain = attributes["domain"] { problems.append("Domain=\(domain): sent to every subdomain") }
      if attributes["path"] != "/" { problems.append("Path=\(attributes["path"] ?? "(none)"), not /") }
      if !cookie.name.hasPrefix("__Host-") { problems.append("name \(cookie.name) has no __Host- prefix") }
      let seen =
        "Set-Cookie \(cookie.name)=…; "
        + attributes.keys.sorted().map { key in
          attributes[key]!.isEmpty ? key : "\(key)=\(attributes[key]!)"
        }.joined(separator: "; ")
      return problems.isEmpty ? .passed(seen) : CheckOutcome(.failed, problems + [seen])
    }
  }
}
