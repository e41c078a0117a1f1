/// GH-PROBE-CAP: one more login than `max_per_user` leaves at most `max_per_user` of them alive:
/// with `evict_oldest` the first is refused and the newest works, with `reject_new` the extra
/// login itself is refused. Probes that ran before may have left sessions of the same user, so
/// they are revoked first when the admin API is reachable.
struct UserCapProbe: LiveProbe {
  let definition = CheckDefinition(
    id: "GH-PROBE-CAP", title: "Logins beyond the per-user cap evict or are refused", category: .expiry,
    severity: .medium,
    recommendation: "Set [session] max_per_user (default 3) and on_limit to the behaviour you want."
  )

  func run(_ context: LiveAuditContext) throws(AuditError) -> CheckOutcome {
    try withSessions(context) { agent throws(AuditError) in
      let policy = agent.session.policy
      guard policy.maxPerUser > 0 else {
        return .skipped("max_per_user = 0: no cap configured (see GH-EXP-004)")
      }
      if let admin = context.admin { try admin.revokeAll(user: context.options.sessionUser) }
      var tickets: [String?] = []
      var refusedLogins = 0
      for _ in 0...policy.maxPerUser {
        let login = try agent.tryLogin()
        tickets.append(login.ticket)
        if login.ticket == nil { refusedLogins += 1 }
      }
      var alive = 0
      var states: [String] = []
      for ticket in tickets {
        guard let ticket else {
          states.append("refused at login")
          continue
        }
        let (acceptance, _) = try agent.check(ticket)
        if acceptance == .accepted { alive += 1 }
        states.append(acceptance == .accepted ? "alive" : "ended")
      }
      let evidence = [
        "max_per_user = \(policy.maxPerUser), on_limit = \(policy.onLimit.rawValue); \(tickets.count) logins: "
          + states.enumerated().map { "#\($0 + 1) \($1)" }.joined(separator: ", ")
      ]
      var problems: [String] = []
      if alive > policy.maxPerUser {
        problems.append("\(alive) sessions alive, the cap is \(policy.maxPerUser)")
      }
      switch policy.onLimit {
      case .evictOldest:
        if states.first != "ended" { problems.append("the oldest session was not evicted") }
        if states.last != "alive" { problems.append("the newest login does not work") }
      case .rejectNew:
        if refusedLogins == 0 { problems.append("no login was refused at the cap") }
      }
      return problems.isEmpty ? CheckOutcome(.passed, evidence) : CheckOutcome(.failed, problems + evidence)
    }
  }
}
