/// Every live probe, in the order they run, and the run itself: each probe's result (a probe
/// that throws fails with the error as evidence), then every session the audit created is
/// revoked through the admin API. Probes that only read come first; the cap probe revokes the
/// user's sessions; the rotation probe waits, so it runs last. Stateless.
public enum LiveAudit {
  static let probes: [any LiveProbe] = [
    CookieAttributesProbe(), SmugglingProbe(), SpoofedHeaderProbe(), CookieInjectionProbe(), FixationProbe(),
    HijackProbe(), CSRFProbe(), LogoutProbe(), TicketQualityProbe(), UserCapProbe(), TimingProbe(),
    RotationProbe(),
  ]

  public static var definitions: [CheckDefinition] { probes.map(\.definition) }

  /// What happened to the sessions the audit made.
  public struct Cleanup: Sendable, Equatable {
    /// Sessions the admin API revoked; nil when it could not be asked.
    public let revoked: Int?
    /// Why not, in words.
    public let problem: String?
  }

  /// Runs every probe; `progress` gets one line per probe as it starts (for stderr).
  public static func run(_ context: LiveAuditContext, progress: (String) -> Void = { _ in }) -> (
    results: [CheckResult], cleanup: Cleanup
  ) {
    var results: [CheckResult] = []
    for probe in probes {
      progress("\(probe.definition.id): \(probe.definition.title)")
      let outcome: CheckOutcome
      do {
        outcome = try probe.run(context)
      } catch {
        outcome = .failed("could not run: \(error)")
      }
      results.append(CheckResult(check: probe.definition, source: .live, outcome: outcome))
    }
    return (results, cleanup(context))
  }

  static func cleanup(_ context: LiveAuditContext) -> Cleanup {
    guard context.logins > 0 else { return Cleanup(revoked: 0, problem: nil) }
    guard let admin = context.admin else {
      return Cleanup(
        revoked: nil,
        problem:
          "no admin API: \(context.logins) sessions of \(context.options.sessionUser) stay until they expire")
    }
    do {
      return Cleanup(revoked: try admin.revokeAll(user: context.options.sessionUser), problem: nil)
    } catch {
      return Cleanup(
        revoked: nil, problem: "revoking the sessions of \(context.options.sessionUser) failed: \(error)")
    }
  }
}
