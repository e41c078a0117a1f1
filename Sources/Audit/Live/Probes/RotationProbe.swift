/// GH-PROBE-ROTATION: a session in use gets a new ticket within `rotation_interval`, and the old
/// ticket stops working once `rotation_grace` has passed. Observing it takes at least the
/// interval, so it runs only when the interval fits in --rotation-wait; with rotation off it
/// watches a short while and fails when the ticket never changes.
struct RotationProbe: LiveProbe {
  let definition = CheckDefinition(
    id: "GH-PROBE-ROTATION", title: "Session ids are rotated while the session is used", category: .expiry,
    severity: .medium,
    recommendation:
      "Set [session] rotation_interval (default 5m) so that a copied ticket goes stale soon after its owner uses the session again."
  )

  static let step: UInt64 = 500_000_000
  /// How long a session is watched when the configuration says rotation is off.
  static let offWatch: UInt64 = 3_000_000_000

  func run(_ context: LiveAuditContext) throws(AuditError) -> CheckOutcome {
    try withSessions(context) { agent throws(AuditError) in
      let policy = agent.session.policy
      let interval = UInt64(max(policy.rotationInterval, 0))
      let grace = UInt64(max(policy.rotationGrace, 0))
      let wait = UInt64(context.options.rotationWait.nanoseconds)
      let watch: UInt64
      if interval == 0 {
        watch = min(Self.offWatch, max(wait, Self.step))
      } else if interval + 2 * Self.step <= wait {
        watch = interval + 2 * Self.step
      } else {
        return .skipped(
          "rotation_interval = \(StaticCheck.duration(policy.rotationInterval)) is longer than --rotation-wait \(EvidenceFormat.duration(wait)); run with a longer --rotation-wait to observe it"
        )
      }
      let first = try agent.login()
      let start = context.network.monotonicNanos()
      var current = first
      var requests = 0
      var rotatedAfter: UInt64?
      while context.network.monotonicNanos() - start < watch {
        context.pause(Self.step)
        let response = try agent.request(ticket: current)
        requests += 1
        if let renewed = response.cookies(named: agent.cookieName).last, !renewed.isDeletion,
          renewed.value != current
        {
          current = renewed.value
          rotatedAfter = context.network.monotonicNanos() - start
          break
        }
      }
      guard let rotatedAfter else {
        return .failed(
          "the ticket did not change in \(requests) requests over \(EvidenceFormat.duration(watch)) (rotation_interval = \(StaticCheck.duration(policy.rotationInterval)))"
        )
      }
      var evidence = [
        "a new ticket after \(EvidenceFormat.duration(rotatedAfter)) of use (rotation_interval = \(StaticCheck.duration(policy.rotationInterval)))"
      ]
      context.pause(grace + Self.step)
      let (old, response) = try agent.check(first)
      guard old == .refused else {
        return CheckOutcome(
          .failed,
          [
            "the replaced ticket still works \(EvidenceFormat.duration(grace + Self.step)) after rotation (\(response.summary)); rotation_grace = \(StaticCheck.duration(policy.rotationGrace))"
          ]
            + evidence)
      }
      evidence.append("the replaced ticket is refused after rotation_grace (\(response.summary))")
      return CheckOutcome(.passed, evidence)
    }
  }
}
