/// GH-PROBE-SPOOF: identity headers a client sends itself never reach the app. A request with a
/// live session carries `X-User-Id`, `X_User_Id`, `x-user-id`, `X-Auth-Method`, `X-Session-Hash`,
/// `Gatehouse-Login` and every other header Gatehouse sets (attribute and JWT claim headers), each
/// with a unique marker; the reflect path's body must contain none of the markers. Without a
/// reflect path only the response can be judged, and the verdict is a warning at best.
struct SpoofedHeaderProbe: LiveProbe {
  let definition = CheckDefinition(
    id: "GH-PROBE-SPOOF", title: "Identity headers sent by a client never reach the app",
    category: .validation,
    severity: .critical,
    recommendation:
      "Add every identity header to [headers] strip (prefix patterns such as \"X-Auth-*\" are safer), and make the app listen on loopback only so nothing reaches it around Gatehouse."
  )

  func names(_ context: LiveAuditContext) -> [String] {
    var names = [
      "X-User-Id", "X_User_Id", "x-user-id", "X-Auth-Method", "X-Session-Hash", "X-Forwarded-User",
      "Gatehouse-Login",
    ]
    if let session = context.config.session {
      names += [session.loginHeader, session.attributesHeader] + session.attributeHeaders.values.sorted()
    }
    names += context.config.jwt.identityHeaderNames
    var seen: Set<String> = []
    return names.filter { seen.insert($0).inserted }
  }

  func run(_ context: LiveAuditContext) throws(AuditError) -> CheckOutcome {
    let headers = names(context).enumerated().map { index, name in
      HTTPHeader(name, "audit-spoof-\(context.runID)-\(index)")
    }
    let marker = "audit-spoof-\(context.runID)"
    guard let agent = context.agent else {
      return .skipped("no [session] in the configuration")
    }
    let ticket = try agent.login()
    guard let reflect = context.options.reflectPath else {
      let response = try agent.request(ticket: ticket, headers: headers)
      if response.bodyText.contains(marker) {
        return .failed("\(agent.sessionPath) answered \(response.summary) with a spoofed value in its body")
      }
      return .warning(
        "no --reflect PATH: the app's view of the \(headers.count) spoofed headers cannot be seen; the response (\(response.summary)) shows none of them"
      )
    }
    let response = try agent.request("GET", path: reflect, ticket: ticket, headers: headers)
    guard agent.acceptance(of: response) == .accepted else {
      throw AuditError(.login, "the reflect path \(reflect) did not accept the session (\(response.summary))")
    }
    let body = response.bodyText
    let leaked = headers.filter { body.contains($0.value) }.map(\.name)
    guard leaked.isEmpty else {
      return .failed(
        "the app received the client's " + leaked.joined(separator: ", ") + " (seen in \(reflect))")
    }
    return .passed(
      "\(headers.count) spoofed headers sent to \(reflect): none reached the app (\(headers.map(\.name).joined(separator: ", ")))"
    )
  }
}
