import Crypto
import Sessions

/// GH-PROBE-INJECTION: tickets that are not exactly one valid ticket are refused: the cookie
/// twice (ambiguous), a junk copy before the real one, truncated, one character longer, a
/// changed character in the id and in the MAC, and the right value under the name in other
/// letter case. The unchanged ticket must be accepted, or the refusals prove nothing.
struct CookieInjectionProbe: LiveProbe {
  let definition = CheckDefinition(
    id: "GH-PROBE-INJECTION", title: "Duplicated, truncated and tampered tickets are refused",
    category: .validation, severity: .high,
    recommendation:
      "Report this as a bug: Gatehouse must refuse every cookie that is not exactly one ticket with a valid signature. Check that no layer in front rewrites Cookie fields."
  )

  func run(_ context: LiveAuditContext) throws(AuditError) -> CheckOutcome {
    try withSessions(context) { agent throws(AuditError) in
      let name = agent.cookieName
      let ticket = try agent.login()
      let (control, controlResponse) = try agent.check(ticket)
      guard control == .accepted else {
        throw AuditError(.login, "the unchanged ticket is not accepted (\(controlResponse.summary))")
      }
      var variants: [(String, String)] = [
        ("the cookie twice", "\(name)=\(ticket); \(name)=\(ticket)"),
        ("a junk copy before the real one", "\(name)=junk; \(name)=\(ticket)"),
        ("truncated by one character", "\(name)=\(ticket.dropLast())"),
        ("one character longer", "\(name)=\(ticket)A"),
      ]
      if let id = Self.changing(ticket, byte: SessionTicket.idBytes.lowerBound) {
        variants.append(("a changed id byte", "\(name)=\(id)"))
      }
      if let mac = Self.changing(ticket, byte: SessionTicket.macBytes.upperBound - 1) {
        variants.append(("a changed MAC byte", "\(name)=\(mac)"))
      }
      let otherCase = name.lowercased() == name ? name.uppercased() : name.lowercased()
      if otherCase != name { variants.append(("the name as \(otherCase)", "\(otherCase)=\(ticket)")) }
      var problems: [String] = []
      var evidence: [String] = []
      for (what, field) in variants {
        let (verdict, response) = try agent.check(nil, cookieField: field)
        if verdict == .refused {
          evidence.append("\(what): refused (\(response.summary))")
        } else {
          problems.append("\(what): \(verdict == .accepted ? "accepted" : "answered") \(response.summary)")
        }
      }
      return problems.isEmpty ? CheckOutcome(.passed, evidence) : CheckOutcome(.failed, problems + evidence)
    }
  }

  /// `ticket` with one decoded byte changed, re-encoded canonically; nil when not a ticket.
  static func changing(_ ticket: String, byte index: Int) -> String? {
    guard var bytes = Base64URL.decode(ticket), index < bytes.count else { return nil }
    bytes[index] ^= 0x01
    return Base64URL.encode(bytes)
  }
}
