import Crypto
import Sessions

/// GH-PROBE-TIMING: whether the ticket check takes measurably longer the more of a forged MAC is
/// right — the signal a byte-by-byte comparison gives away. Two forgeries of a real ticket, one
/// wrong only in the MAC's last byte and one wrong in its first, are sent alternately in random
/// order on one keep-alive connection; Welch's t-test compares their response times (the
/// slowest 5 % of the pooled sample cut off: scheduler noise). Network jitter makes a small
/// effect invisible and a busy host can make a large |t| by chance, so the verdict only warns.
struct TimingProbe: LiveProbe {
  let definition = CheckDefinition(
    id: "GH-PROBE-TIMING", title: "Ticket comparison time does not depend on how much of a MAC is right",
    category: .validation, severity: .low,
    recommendation:
      "Re-run on a quiet host close to the target; if |t| stays above the threshold, report it: Gatehouse compares MACs with CRYPTO_memcmp, so a difference means something in the path is not constant-time."
  )

  func run(_ context: LiveAuditContext) throws(AuditError) -> CheckOutcome {
    try withSessions(context) { agent throws(AuditError) in
      let ticket = try agent.login()
      let mac = SessionTicket.macBytes
      guard let lastWrong = CookieInjectionProbe.changing(ticket, byte: mac.upperBound - 1),
        let firstWrong = CookieInjectionProbe.changing(ticket, byte: mac.lowerBound)
      else { throw AuditError(.login, "the session cookie is not a Gatehouse ticket") }
      let samples = max(context.options.timingSamples, 2)
      var order = [Bool](repeating: true, count: samples) + [Bool](repeating: false, count: samples)
      order.shuffle()
      var connection = try context.client.open()
      defer { connection.close() }
      /// The response time of one forged ticket, nil when it was not refused.
      func measure(_ forged: String) throws(AuditError) -> (Double?, HTTPResponse) {
        if !connection.isUsable { connection = try context.client.open() }
        let request = ProbeRequest(
          "GET", agent.sessionPath, headers: [HTTPHeader("Cookie", "\(agent.cookieName)=\(forged)")])
        let (response, elapsed) = try connection.exchange(request)
        return (agent.acceptance(of: response) == .refused ? Double(elapsed) : nil, response)
      }
      var nearlyRight: [Double] = []
      var mostlyWrong: [Double] = []
      // One unmeasured request of each first: connection set-up and cold caches out of the way.
      for (index, isLast) in ([true, false] + order).enumerated() {
        let (elapsed, response) = try measure(isLast ? lastWrong : firstWrong)
        guard let elapsed else { return .failed("a forged ticket was not refused: \(response.summary)") }
        guard index >= 2 else { continue }
        if isLast { nearlyRight.append(elapsed) } else { mostlyWrong.append(elapsed) }
      }
      return judge(
        nearlyRight: nearlyRight, mostlyWrong: mostlyWrong, threshold: context.options.timingThreshold)
    }
  }

  /// The verdict over measured times in nanoseconds (pure: the unit tests feed it made-up ones).
  func judge(nearlyRight: [Double], mostlyWrong: [Double], threshold: Double) -> CheckOutcome {
    let pooled = (nearlyRight + mostlyWrong).sorted()
    guard pooled.count >= 4 else { return .warning("too few samples to compare") }
    let cut = pooled[Int(Double(pooled.count - 1) * 0.95)]
    let a = nearlyRight.filter { $0 <= cut }
    let b = mostlyWrong.filter { $0 <= cut }
    guard let test = WelchTTest(a, b) else { return .warning("too few samples under the 95th percentile") }
    let evidence = [
      "MAC wrong in its last byte: n = \(a.count), mean \(EvidenceFormat.microseconds(test.first.mean)), median \(EvidenceFormat.microseconds(SampleSummary.median(a) ?? 0))",
      "MAC wrong in its first byte: n = \(b.count), mean \(EvidenceFormat.microseconds(test.second.mean)), median \(EvidenceFormat.microseconds(SampleSummary.median(b) ?? 0))",
      "Welch's t = \(EvidenceFormat.number(test.t)), df = \(EvidenceFormat.number(test.degreesOfFreedom)), p = \(EvidenceFormat.number(test.pValue)); threshold |t| < \(EvidenceFormat.number(threshold))",
    ]
    return abs(test.t) < threshold ? CheckOutcome(.passed, evidence) : CheckOutcome(.warning, evidence)
  }
}
