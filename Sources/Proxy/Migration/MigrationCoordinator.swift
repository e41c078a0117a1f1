import Config
import EventLoop
import Logging
import Sessions

/// The process's side of a migration (docs/migration.md §3): the shared `MigrationControl` that
/// every worker's `MigratingSessionStore` reads, and how its setting changes —
///
/// - at start, the file's setting; then the fleet key in `from` (worker 0 reads it every
///   500 ms and follows a newer version published for the same pair of stores);
/// - `PUT /migration` and a SIGHUP whose file changed the setting: published to the fleet key
///   first (its new version), then applied; with a memory `from` (one process) applied at once;
/// - a step back (from any worker): published first, only if the fleet key is still at the
///   version it was judged under, then applied (a replica behind a newer fleet setting, or an
///   operator's newer change, wins); applied at once when the key cannot be written.
///
/// Every change is logged and counted. Thread-safe: the fleet key is used only on worker 0's
/// loop (`loop.execute`); `fleet` is set once before the loops run.
final class MigrationCoordinator: MigrationControlObserver, @unchecked Sendable {
  let control: MigrationControl
  let settings: MigrationSettings
  let identity: MigrationIdentity
  let metrics: MigrationMetricsExporter
  let log: Logger
  /// The file's setting as last loaded: a reload applies the file only when this changed.
  private let fileSetting: LockedValue<MigrationSetting>
  private var fleet: (loop: EventLoop, key: RedisMigrationFleetKey)?
  /// Set after the first successful read of the fleet key (readiness).
  private let synced = AtomicFlag()
  static let followInterval: UInt64 = 500_000_000

  init(
    settings: MigrationSettings, identity: MigrationIdentity, metrics: MigrationMetricsExporter, log: Logger,
    clock: any Clock
  ) {
    self.settings = settings
    self.identity = identity
    self.metrics = metrics
    self.log = log
    self.fileSetting = LockedValue(settings.setting)
    control = MigrationControl(
      initial: settings.setting, thresholds: settings.thresholds,
      drainWindow: UInt64(settings.drainWindow.nanoseconds), clock: clock)
    control.setObserver(self)
    metrics.applied(settings.setting)
  }

  // MARK: Fleet key

  /// Uses worker 0's `from` transport for the fleet key. Call before the loops run.
  func attachFleet(loop: EventLoop, transport: any RedisScriptTransport, keyPrefix: String) {
    let key = RedisMigrationFleetKey(transport: transport, keyPrefix: keyPrefix)
    fleet = (loop, key)
    // A step back is published first, only if the fleet is still at the version it was judged
    // under, and applied after: a replica behind a newer fleet setting must not step back.
    let identity = self.identity
    let box = UncheckedFleetKey(key)
    control.setStepBackGate { proposal, decide in
      loop.execute {
        box.value.publish(proposal.to, migration: identity.id, ifVersion: proposal.from.version) { result in
          switch result {
          case .success(let version?): decide(.apply(version: version))
          case .success(nil): decide(.abandon)
          case .failure: decide(.apply(version: nil))
          }
        }
      }
    }
  }

  /// Starts following the fleet key. Call on worker 0's loop thread.
  func startFollowing() {
    guard let fleet else { return }
    fleet.loop.schedule(at: fleet.loop.now) { [weak self] in self?.poll() }
  }

  private func poll() {
    guard let fleet else { return }
    fleet.key.read { [weak self] result in
      guard let self else { return }
      if case .success(let record) = result {
        synced.set(true)
        if let record, record.migration == identity.id {
          control.change(to: record.setting, source: .fleet, version: record.version)
        }
      }
      fleet.loop.schedule(at: fleet.loop.now &+ Self.followInterval) { [weak self] in self?.poll() }
    }
  }

  /// `/readyz`: nil once the fleet's setting was read (or there is no fleet key).
  func readinessProblem() -> String? {
    guard fleet != nil, !synced.isSet else { return nil }
    return "migration setting not yet read from the from Redis"
  }

  // MARK: Changes

  /// Applies `setting` from `source` (`.admin`, `.reload`): published to the fleet key first when
  /// there is one. `completion` runs once, on some thread, with the setting now in force or why
  /// nothing changed.
  func request(
    _ setting: MigrationSetting, source: MigrationStateMachine.Source,
    completion: @escaping @Sendable (Result<MigrationStateMachine.Applied, SessionError>) -> Void
  ) {
    guard let fleet else {
      let version = control.applied.version + 1
      control.change(to: setting, source: source, version: version)
      return completion(.success(control.applied))
    }
    let identity = self.identity
    let control = self.control
    let key = UncheckedFleetKey(fleet.key)
    fleet.loop.execute {
      key.value.publish(setting, migration: identity.id, ifVersion: nil) { result in
        switch result {
        case .failure(let error):
          completion(.failure(error))
        case .success(let version):
          control.change(to: setting, source: source, version: version)
          completion(.success(control.applied))
        }
      }
    }
  }

  /// SIGHUP: the file's setting applies when it differs from the file's previous one (an edit);
  /// otherwise the setting in force (perhaps changed through the admin API) stays.
  func reloaded(_ settings: MigrationSettings) {
    let changed = fileSetting.exchange(settings.setting) != settings.setting
    guard changed else { return }
    let log = self.log
    if let risk = control.setting.riskOfMoving(to: settings.setting) {
      log.error(
        "migration setting from the reloaded file not applied",
        metadata: ["event": "migration", "reason": "\(risk)"])
      return
    }
    request(settings.setting, source: .reload) { result in
      if case .failure(let error) = result {
        log.error(
          "migration setting from the reloaded file not applied: the fleet key cannot be written",
          metadata: ["event": "migration", "error": "\(error)"])
      }
    }
  }

  // MARK: MigrationControlObserver

  func migrationChanged(_ action: MigrationStateMachine.Action) {
    switch action {
    case .changed(let old, let new):
      metrics.applied(new.setting)
      log.info(
        "migration setting changed",
        metadata: [
          "event": "migration", "from_setting": "\(old.setting)", "setting": "\(new.setting)",
          "source": "\(new.source.rawValue)", "version": "\(new.version)",
        ])
    case .steppedBack(let old, let new, let reason, let counts):
      metrics.applied(new.setting)
      metrics.steppedBack()
      log.warning(
        "migration stepped back",
        metadata: [
          "event": "migration_step_back", "from_setting": "\(old.setting)", "setting": "\(new.setting)",
          "reason": "\(reason.rawValue)", "operations": "\(counts.operations)", "errors": "\(counts.errors)",
          "slow": "\(counts.slow)", "comparisons": "\(counts.comparisons)",
          "mismatches": "\(counts.mismatches)",
        ])
    }
  }
}

/// Carries worker 0's fleet key into a closure run on worker 0's loop, the only thread that
/// uses it.
private struct UncheckedFleetKey: @unchecked Sendable {
  let value: RedisMigrationFleetKey
  init(_ value: RedisMigrationFleetKey) { self.value = value }
}
