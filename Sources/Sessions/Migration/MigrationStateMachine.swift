/// The migration's mode and its automatic step back, as a state machine (docs/migration.md §3,
/// §4): it holds the applied `MigrationSetting` with its fleet version and origin, takes changes
/// (file, reload, admin, fleet) and observations of `to` (calls, compared reads), and answers
/// what to do for its owner to log, count and publish.
///
///     change(setting, source, version) ──▶ .changed               (setting differs)
///     observe(…) in split, window full ──▶ error rate / p99 / mismatch rate over its limit
///                                      ──▶ StepBack proposal      (percentage → previous step)
///     applyStepBack(proposal, version) ──▶ .steppedBack           (nothing changed meanwhile)
///
/// A step back is proposed, not applied: with a fleet the owner first publishes it (only if the
/// fleet is still at the version it was judged under) and applies it after, so a replica that
/// lags behind a newer fleet setting — e.g. `complete`, whose new sessions `from` lacks — never
/// steps back to a setting where `from` answers. While a proposal is pending no other is made.
/// A step back never climbs back up by itself; only an operator (or the fleet key) raises the
/// percentage again. Each new setting starts an empty window. A fleet setting is taken only when
/// its version is newer than the applied one.
///
/// Pure: time is the caller's monotonic ns. Value type; `MigrationControl` guards it.
public struct MigrationStateMachine: Sendable {
  /// Where the applied setting came from (shown by `GET /migration`).
  public enum Source: String, Sendable, Equatable {
    /// The configuration file at start.
    case file
    /// The configuration file after SIGHUP (its setting had changed).
    case reload
    /// `PUT /migration` on this replica.
    case admin
    /// The fleet key in `from`, written by another replica (or this one).
    case fleet
    /// This replica's automatic step back.
    case stepBack = "step_back"
  }

  public enum StepBackReason: String, Sendable, Equatable {
    case errorRate = "error_rate"
    case latency = "p99"
    case mismatchRate = "mismatch_rate"
  }

  /// The setting in force and its provenance.
  public struct Applied: Sendable, Equatable {
    public var setting: MigrationSetting
    /// Fleet version (0: the file's, never published).
    public var version: UInt64
    public var source: Source
    /// Monotonic ns when this setting was applied (the drain window of `complete` starts here).
    public var since: UInt64

    public init(setting: MigrationSetting, version: UInt64, source: Source, since: UInt64) {
      self.setting = setting
      self.version = version
      self.source = source
      self.since = since
    }
  }

  public enum Action: Sendable, Equatable {
    case changed(from: Applied, to: Applied)
    case steppedBack(from: Applied, to: Applied, reason: StepBackReason, counts: MigrationWindow.Counts)
  }

  /// A step back the window calls for, judged under `from` (setting and version).
  public struct StepBack: Sendable, Equatable {
    public var from: Applied
    public var to: MigrationSetting
    public var reason: StepBackReason
    public var counts: MigrationWindow.Counts
  }

  /// What one call to `to` (or one compared read) contributed.
  public enum Observation: Sendable, Equatable {
    case call(succeeded: Bool, nanoseconds: UInt64)
    case comparison(mismatched: Bool)
  }

  public let thresholds: MigrationThresholds
  public private(set) var applied: Applied
  private var window: MigrationWindow
  /// A proposed step back not yet applied or abandoned.
  public private(set) var pendingStepBack: StepBack?

  public init(initial: MigrationSetting, thresholds: MigrationThresholds, now: UInt64) {
    self.thresholds = thresholds
    applied = Applied(setting: initial, version: 0, source: .file, since: now)
    window = MigrationWindow(span: thresholds.window)
  }

  /// Whether observations count now (only `split` with some users on `to` can step back).
  public var judging: Bool { applied.setting.mode == .split && applied.setting.percentage > 0 }

  /// The window's totals at `now`.
  public func counts(now: UInt64) -> MigrationWindow.Counts { window.total(now: now) }

  /// Applies `setting` from `source`. `version` is the fleet version it was published under
  /// (nil: keep the current one). A fleet setting not newer than the applied version is ignored;
  /// a version bump with the same setting is recorded without an action.
  public mutating func change(
    to setting: MigrationSetting, source: Source, version: UInt64?, now: UInt64
  ) -> Action? {
    let newVersion = version ?? applied.version
    if source == .fleet && newVersion <= applied.version { return nil }
    if setting == applied.setting {
      if newVersion > applied.version { applied.version = newVersion }
      return nil
    }
    let old = applied
    applied = Applied(setting: setting, version: newVersion, source: source, since: now)
    window.reset()
    pendingStepBack = nil
    return .changed(from: old, to: applied)
  }

  /// Counts one observation (in `split` only); proposes a step back when a limit is exceeded.
  public mutating func observe(_ observation: Observation, now: UInt64) -> StepBack? {
    guard judging, pendingStepBack == nil else { return nil }
    var counts = MigrationWindow.Counts()
    switch observation {
    case .call(let succeeded, let nanoseconds):
      counts.operations = 1
      counts.errors = succeeded ? 0 : 1
      counts.slow = nanoseconds > thresholds.p99 ? 1 : 0
    case .comparison(let mismatched):
      counts.comparisons = 1
      counts.mismatches = mismatched ? 1 : 0
    }
    window.add(counts, now: now)
    let totals = window.total(now: now)
    guard let reason = exceeded(totals) else { return nil }
    let proposal = StepBack(
      from: applied, to: MigrationSetting(mode: .split, percentage: applied.setting.previousStep),
      reason: reason,
      counts: totals)
    pendingStepBack = proposal
    return proposal
  }

  /// Applies `proposal` (published under `version`, or nil when it could not be published) if
  /// the setting it was judged under is still in force; clears the pending proposal either way.
  public mutating func applyStepBack(_ proposal: StepBack, version: UInt64?, now: UInt64) -> Action? {
    guard pendingStepBack == proposal else { return nil }
    pendingStepBack = nil
    guard applied.setting == proposal.from.setting, applied.version == proposal.from.version else {
      return nil
    }
    let old = applied
    applied = Applied(
      setting: proposal.to, version: max(version ?? old.version, old.version), source: .stepBack, since: now)
    window.reset()
    return .steppedBack(from: old, to: applied, reason: proposal.reason, counts: proposal.counts)
  }

  /// Drops `proposal` (the fleet moved on before it could be published).
  public mutating func abandonStepBack(_ proposal: StepBack) {
    if pendingStepBack == proposal { pendingStepBack = nil }
  }

  /// The first limit the totals exceed, if any.
  func exceeded(_ totals: MigrationWindow.Counts) -> StepBackReason? {
    let minimum = thresholds.minimumOperations
    if totals.operations >= minimum {
      let operations = Double(totals.operations)
      if Double(totals.errors) / operations > thresholds.errorRate { return .errorRate }
      if Double(totals.slow) / operations > 0.01 { return .latency }
    }
    if totals.comparisons >= minimum,
      Double(totals.mismatches) / Double(totals.comparisons) > thresholds.mismatchRate
    {
      return .mismatchRate
    }
    return nil
  }
}
