/// The outcome of one check. Immutable.
public enum AuditVerdict: String, Sendable, CaseIterable {
  case passed
  /// The check found the weakness it looks for (or a probe could not run: an audit that could not
  /// look must not pass).
  case failed
  /// Worth a look but not a failure: a statistic below its threshold, or a probe that could only
  /// look at part of what it checks. Never changes the exit status.
  case warning
  /// Does not apply to this configuration (no `[session]`, no JWT issuer, …) or was not asked for.
  case skipped
}
