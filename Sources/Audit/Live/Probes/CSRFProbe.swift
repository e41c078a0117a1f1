/// GH-PROBE-CSRF: an unsafe request on a session route is refused without the session's CSRF
/// token, with another session's token, and with the right token from a cross-site page
/// (`Origin`, `Sec-Fetch-Site`). A control request with the right token and no foreign origin
/// must get through, or the refusals prove nothing. The tokens are read from the reflect path
/// (or `csrf_cookie`); without one only the first refusal can be tested.
struct CSRFProbe: LiveProbe {
  let definition = CheckDefinition(
    id: "GH-PROBE-CSRF", title: "Unsafe requests need this session's CSRF token and a same-site origin",
    category: .validation, severity: .high,
    recommendation:
      "Set [session] csrf = true and have the app send X-CSRF-Token back (form field or header) on every POST, PUT, PATCH and DELETE."
  )

  static let foreignOrigin = "https://attacker.example"

  func run(_ context: LiveAuditContext) throws(AuditError) -> CheckOutcome {
    try withSessions(context) { agent throws(AuditError) in
      let path = agent.sessionPath
      let header = agent.session.csrfHeader
      var problems: [String] = []
      var evidence: [String] = []
      let ticket = try agent.login()
      func post(_ headers: [HTTPHeader]) throws(AuditError) -> HTTPResponse {
        try agent.request(
          "POST", path: path, ticket: ticket,
          headers: headers + [HTTPHeader("Content-Type", "application/x-www-form-urlencoded")],
          body: Array("gatehouse_audit=1".utf8))
      }
      func expectRefused(_ what: String, _ headers: [HTTPHeader]) throws(AuditError) {
        let response = try post(headers)
        if response.status == 403 && response.gatehouseError != nil {
          evidence.append("POST \(path) \(what): refused, \(response.summary)")
        } else {
          problems.append("POST \(path) \(what): not refused, \(response.summary)")
        }
      }
      try expectRefused("without a token", [])
      guard let token = try agent.csrfToken(ticket) else {
        let why =
          "no CSRF token to test with: pass --reflect PATH (a session route that echoes request headers) or set csrf_cookie"
        return problems.isEmpty
          ? CheckOutcome(.warning, [why] + evidence) : CheckOutcome(.failed, problems + evidence + [why])
      }
      let other = try agent.login()
      if let otherToken = try agent.csrfToken(other), otherToken != token {
        try expectRefused("with another session's token", [HTTPHeader(header, otherToken)])
      }
      try expectRefused(
        "with Origin \(Self.foreignOrigin)",
        [HTTPHeader(header, token), HTTPHeader("Origin", Self.foreignOrigin)])
      try expectRefused(
        "with Sec-Fetch-Site: cross-site",
        [HTTPHeader(header, token), HTTPHeader("Sec-Fetch-Site", "cross-site")])
      let control = try post([
        HTTPHeader(header, token), HTTPHeader("Origin", context.client.target.description),
      ])
      if control.status == 403 && control.gatehouseError != nil {
        problems.append(
          "POST \(path) with this session's token from the same origin is refused too (\(control.summary)): the refusals above prove nothing"
        )
      } else {
        evidence.append(
          "POST \(path) with this session's token from the same origin: \(control.summary) (accepted)")
      }
      return problems.isEmpty ? CheckOutcome(.passed, evidence) : CheckOutcome(.failed, problems + evidence)
    }
  }
}
