import Crypto
import Sessions

/// GH-PROBE-FIXATION: a cookie planted before login survives no login. An attacker who plants
/// their own valid ticket (or a made-up one) in a victim's browser must not end up sharing the
/// victim's session: the login must issue a fresh ticket and end the session the client came with.
struct FixationProbe: LiveProbe {
  let definition = CheckDefinition(
    id: "GH-PROBE-FIXATION", title: "A cookie planted before login does not survive the login",
    category: .validation, severity: .critical,
    recommendation:
      "Logins must go through the app's Gatehouse-Login response header, which always issues a new ticket; never let the app or another layer reuse the cookie a client arrives with."
  )

  func run(_ context: LiveAuditContext) throws(AuditError) -> CheckOutcome {
    try withSessions(context) { agent throws(AuditError) in
      var problems: [String] = []
      var evidence: [String] = []
      // 1. The attacker's own live session, planted.
      let planted = try agent.login()
      let victim = try agent.tryLogin(cookie: planted)
      guard let fresh = victim.ticket else {
        throw AuditError(
          .login, "the login with a planted cookie answered \(victim.response.summary) without a ticket")
      }
      if fresh == planted {
        problems.append("the login kept the planted ticket: attacker and victim share one session")
      } else {
        evidence.append("login with a planted live ticket issued a new ticket")
      }
      let (after, response) = try agent.check(planted)
      switch after {
      case .refused: evidence.append("the planted session is refused after the login (\(response.summary))")
      case .accepted:
        problems.append("the planted session still works after the victim's login (\(response.summary))")
      case .unclear: problems.append("the planted session got \(response.summary) after the login")
      }
      // 2. A made-up ticket of the right shape.
      let forged = Base64URL.encode(SecureRandom.bytes(SessionTicket.decodedByteCount))
      let second = try agent.tryLogin(cookie: forged)
      if let ticket = second.ticket, ticket != forged {
        evidence.append("login with a made-up ticket issued a new ticket")
      } else {
        problems.append("the login with a made-up ticket answered \(second.response.summary) and kept it")
      }
      return problems.isEmpty ? CheckOutcome(.passed, evidence) : CheckOutcome(.failed, problems + evidence)
    }
  }
}
