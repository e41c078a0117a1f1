import Net

/// GH-PROBE-HIJACK: a stolen cookie replayed by someone else is refused — with another
/// User-Agent from the same address, and from another subnet (a second loopback address, a
/// local address given with --replay-from, or X-Forwarded-For when the audit host is a trusted
/// proxy). Each replay uses a fresh session, since a refused replay may end the session.
struct HijackProbe: LiveProbe {
  let definition = CheckDefinition(
    id: "GH-PROBE-HIJACK", title: "A cookie replayed from another subnet or User-Agent is refused",
    category: .validation, severity: .high,
    recommendation:
      "Set [session] bind_ip = true and bind_user_agent = true, and keep trusted_proxies to your own proxies so the client address cannot be forged."
  )

  static let replayAgent = "gatehouse-audit-replay/1 (another browser)"
  /// A documentation address (RFC 5737) for X-Forwarded-For replays.
  static let forwardedAddress = "198.51.100.77"

  func run(_ context: LiveAuditContext) throws(AuditError) -> CheckOutcome {
    try withSessions(context) { agent throws(AuditError) in
      var problems: [String] = []
      var evidence: [String] = []
      var partial: [String] = []
      // The control: the session works for its own client.
      let ticket = try agent.login()
      let (own, ownResponse) = try agent.check(ticket)
      guard own == .accepted else {
        throw AuditError(.login, "a new session is not accepted from its own client (\(ownResponse.summary))")
      }
      let (otherAgent, agentResponse) = try agent.check(
        ticket, headers: [HTTPHeader("User-Agent", Self.replayAgent)])
      switch otherAgent {
      case .refused: evidence.append("replay with another User-Agent refused (\(agentResponse.summary))")
      default: problems.append("replay with another User-Agent accepted (\(agentResponse.summary))")
      }

      let policy = agent.session.policy
      switch replayRoute(context, prefix: policy.ipv4Prefix) {
      case .source(let address, let how):
        let second = try agent.login()
        let (replayed, response) = try agent.check(second, from: address)
        switch replayed {
        case .refused: evidence.append("replay from \(address) (\(how)) refused (\(response.summary))")
        default: problems.append("replay from \(address) (\(how)) accepted (\(response.summary))")
        }
      case .forwardedFor:
        let second = try agent.login()
        let (replayed, response) = try agent.check(
          second, headers: [HTTPHeader("X-Forwarded-For", Self.forwardedAddress)])
        switch replayed {
        case .refused:
          evidence.append(
            "replay as \(Self.forwardedAddress) via X-Forwarded-For refused (\(response.summary))")
        default:
          problems.append(
            "replay as \(Self.forwardedAddress) via X-Forwarded-For accepted (\(response.summary))")
        }
      case .none(let why):
        partial.append("subnet replay not run: \(why)")
      }
      if !problems.isEmpty { return CheckOutcome(.failed, problems + evidence + partial) }
      return partial.isEmpty ? CheckOutcome(.passed, evidence) : CheckOutcome(.warning, partial + evidence)
    }
  }

  enum ReplayRoute {
    case source(IPAddress, String)
    case forwardedFor
    case none(String)
  }

  /// How to look like another subnet from here.
  func replayRoute(_ context: LiveAuditContext, prefix: Int) -> ReplayRoute {
    if let given = context.options.replaySource { return .source(given, "--replay-from") }
    let target = context.client.address.ip
    if target.isLoopback && target.isIPv4 {
      // The audit's own requests come from 127.0.0.1; pick a loopback address outside its subnet.
      let own = CIDR(.v4(0x7F00_0001), prefixLength: prefix)
      for second: UInt32 in [1, 64, 128, 200] {
        let candidate = IPAddress.v4(0x7F00_0001 | second << 16)
        if !own.contains(candidate) { return .source(candidate, "a second loopback address") }
      }
      return .none("bind_ipv4_prefix = \(prefix) puts all of 127.0.0.0/8 in one subnet")
    }
    if target.isLoopback {
      return .none("IPv6 has a single loopback address: pass --replay-from with another local address")
    }
    if let local = context.client.localAddress,
      context.config.server.trustedProxies.contains(where: { $0.contains(local) })
    {
      return .forwardedFor
    }
    return .none(
      "the target is not on loopback and this host (\(context.client.localAddress.map(\.description) ?? "?")) is not in trusted_proxies: pass --replay-from with a local address in another subnet"
    )
  }
}
