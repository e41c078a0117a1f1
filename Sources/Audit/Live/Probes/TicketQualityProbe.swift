import Crypto
import Sessions

/// GH-PROBE-IDS: many logins, then the tickets themselves: all different, all the length of a
/// Gatehouse ticket, and every bit of the parts that must be unpredictable (id, secret, MAC)
/// balanced across them — a per-position χ² and a monobit test (docs/security.md says what
/// this can and cannot prove).
struct TicketQualityProbe: LiveProbe {
  let definition = CheckDefinition(
    id: "GH-PROBE-IDS", title: "Session tickets are unique and their random bits balanced",
    category: .generation,
    severity: .critical,
    recommendation:
      "Tickets must come from Gatehouse's CSPRNG unchanged: check that nothing in front rewrites the cookie, and report a failure with its evidence as a bug."
  )

  /// Below this p-value a statistic fails; far below what chance gives one run in ten thousand.
  static let alpha = 1e-4
  /// Fewer samples than this cannot show a bias; the statistics are then not computed.
  static let minimumForStatistics = 16
  /// With this many samples a random bit stays constant with probability 2^-63.
  static let minimumForStuckBits = 64

  func run(_ context: LiveAuditContext) throws(AuditError) -> CheckOutcome {
    try withSessions(context) { agent throws(AuditError) in
      let wanted = max(context.options.logins, 2)
      let cap = agent.session.policy.maxPerUser
      let refusesAtCap = agent.session.policy.onLimit == .rejectNew && cap > 0
      var tickets: [String] = []
      while tickets.count < wanted {
        if refusesAtCap, tickets.count % cap == 0, tickets.count > 0, let admin = context.admin {
          try admin.revokeAll(user: context.options.sessionUser)
        }
        do throws(AuditError) {
          tickets.append(try agent.login())
        } catch {
          guard tickets.count >= 2 else { throw error }
          // reject_new without an admin API to make room: judge what the logins gave.
          let judged = Self.judge(tickets)
          return CheckOutcome(
            judged.verdict == .passed ? .warning : judged.verdict,
            ["only \(tickets.count) of \(wanted) logins succeeded: \(error)"] + judged.evidence)
        }
      }
      return Self.judge(tickets)
    }
  }

  /// The verdict over collected tickets (pure: the unit tests feed it made-up tickets).
  static func judge(_ tickets: [String]) -> CheckOutcome {
    var problems: [String] = []
    var evidence = ["\(tickets.count) logins"]
    let distinct = Set(tickets).count
    if distinct < tickets.count {
      problems.append("\(tickets.count - distinct) repeated tickets among \(tickets.count)")
    }
    let decoded = tickets.compactMap { Base64URL.decode($0) }
    let expected = SessionTicket.decodedByteCount
    guard decoded.count == tickets.count, decoded.allSatisfy({ $0.count == expected }) else {
      let lengths = Set(tickets.map(\.utf8.count)).sorted()
      return CheckOutcome(
        .failed,
        problems + [
          "tickets are not \(expected)-byte base64url values (lengths \(lengths)): not Gatehouse tickets"
        ])
    }
    let random = (SessionTicket.idBytes.lowerBound * 8)..<(SessionTicket.macBytes.upperBound * 8)
    let test = BitPositionTest(samples: decoded, positions: random)
    let varying = random.count - test.constantPositions.count
    evidence.append(
      "id 128 + secret 256 + MAC 256 bits tested; \(varying) of \(random.count) bit positions vary (at least 128 needed)"
    )
    if varying < 128 { problems.append("only \(varying) bit positions vary across \(tickets.count) tickets") }
    guard tickets.count >= minimumForStatistics else {
      evidence.append("fewer than \(minimumForStatistics) logins: bit balance not tested")
      return problems.isEmpty ? CheckOutcome(.passed, evidence) : CheckOutcome(.failed, problems + evidence)
    }
    evidence.append(
      "per-position χ² = \(EvidenceFormat.number(test.chiSquare)) with \(test.degreesOfFreedom) degrees of freedom, p = \(EvidenceFormat.number(test.pValue))"
    )
    evidence.append(
      "monobit: \(test.monobit.ones) ones in \(test.monobit.count) bits, p = \(EvidenceFormat.number(test.monobit.pValue))"
    )
    if test.pValue < alpha {
      problems.append(
        "bit positions are unbalanced (p = \(EvidenceFormat.number(test.pValue)) < \(alpha)); worst: bit \(test.mostBiasedPosition) set in \(test.mostBiasedOnes) of \(tickets.count)"
      )
    }
    if test.monobit.pValue < alpha {
      problems.append(
        "ones and zeros are unbalanced overall (p = \(EvidenceFormat.number(test.monobit.pValue)))")
    }
    if tickets.count >= minimumForStuckBits && !test.constantPositions.isEmpty {
      problems.append(
        "bit positions that never change: \(test.constantPositions.prefix(8).map(String.init).joined(separator: ", "))"
      )
    }
    return problems.isEmpty ? CheckOutcome(.passed, evidence) : CheckOutcome(.failed, problems + evidence)
  }
}
