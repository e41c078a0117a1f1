public import EventLoop
import Synchronization

/// The process's migration setting, shared by every worker's `MigratingSessionStore`: the
/// `MigrationStateMachine` under a mutex, and the applied setting mirrored into atomics so a
/// store call reads it without taking the lock. Observations are taken only while the machine
/// judges (`split` with some users on `to`), so `dual` pays no lock per call.
///
/// Thread-safe (Mutex + atomics). Time: the injected clock's monotonic line for changes; store
/// calls pass the instant they already read.
public final class MigrationControl: Sendable {
  private let machine: Mutex<MigrationStateMachine>
  /// The applied setting: mode index | percentage << 8 | judging << 16.
  private let packed: Atomic<UInt64>
  /// Monotonic ns at which `complete` stops using `from` (the drain window's end).
  private let drainEnd: Atomic<UInt64>
  private let observer: Mutex<(any MigrationControlObserver)?>
  private let stepBackGate: Mutex<StepBackGate?>
  public let drainWindow: UInt64
  public let clock: any Clock
  /// Deletions a store missed while it was unavailable, owed to it by every worker's store.
  public let owedDeletions = MigrationOwedDeletions()

  /// `drainWindow` (ns): how long `complete` still reads `from` as a fallback.
  public init(
    initial: MigrationSetting, thresholds: MigrationThresholds = MigrationThresholds(), drainWindow: UInt64,
    clock: any Clock
  ) {
    let now = clock.monotonicNanos()
    let machine = MigrationStateMachine(initial: initial, thresholds: thresholds, now: now)
    self.machine = Mutex(machine)
    self.packed = Atomic(Self.pack(machine))
    self.drainEnd = Atomic(Self.saturatingAdd(now, drainWindow))
    self.observer = Mutex(nil)
    self.stepBackGate = Mutex(nil)
    self.drainWindow = drainWindow
    self.clock = clock
  }

  /// Who hears about changes (set once the proxy's parts exist).
  public func setObserver(_ observer: (any MigrationControlObserver)?) {
    self.observer.withLock { $0 = observer }
  }

  /// What becomes of a proposed step back.
  public enum StepBackDecision: Sendable, Equatable {
    /// Apply it; `version` is the fleet version it was published under (nil: not published).
    case apply(version: UInt64?)
    /// The fleet moved on before it could be published: drop it.
    case abandon
  }

  /// Decides a proposed step back (publishes it to the fleet first) and answers once, on any
  /// thread. Without a gate a step back applies at once.
  public typealias StepBackGate =
    @Sendable (MigrationStateMachine.StepBack, @escaping @Sendable (StepBackDecision) -> Void) -> Void

  public func setStepBackGate(_ gate: StepBackGate?) { stepBackGate.withLock { $0 = gate } }

  // MARK: Hot path

  /// The setting in force.
  @inline(__always)
  public var setting: MigrationSetting {
    let word = packed.load(ordering: .acquiring)
    return MigrationSetting(mode: Self.mode(word & 0xFF), percentage: Int((word >> 8) & 0xFF))
  }

  /// Whether `observe` would count anything now.
  @inline(__always)
  public var judging: Bool { packed.load(ordering: .relaxed) & (1 << 16) != 0 }

  /// Whether `complete` still uses `from` at monotonic `now`.
  @inline(__always)
  public func draining(now: UInt64) -> Bool { now < drainEnd.load(ordering: .relaxed) }

  /// One call to `to` or one compared read; may propose a step back (`StepBackGate`).
  public func observe(_ observation: MigrationStateMachine.Observation, now: UInt64) {
    guard judging else { return }
    guard let proposal = machine.withLock({ $0.observe(observation, now: now) }) else { return }
    guard let gate = stepBackGate.withLock({ $0 }) else { return decide(proposal, .apply(version: nil)) }
    gate(proposal) { [self] decision in decide(proposal, decision) }
  }

  private func decide(_ proposal: MigrationStateMachine.StepBack, _ decision: StepBackDecision) {
    let now = clock.monotonicNanos()
    let action = machine.withLock { machine -> MigrationStateMachine.Action? in
      switch decision {
      case .abandon:
        machine.abandonStepBack(proposal)
        return nil
      case .apply(let version):
        let action = machine.applyStepBack(proposal, version: version, now: now)
        if action != nil { publish(machine) }
        return action
      }
    }
    if let action { notify(action) }
  }

  // MARK: Changes

  /// The applied setting with its version and origin.
  public var applied: MigrationStateMachine.Applied { machine.withLock { $0.applied } }

  /// The step-back window's totals now.
  public func windowCounts() -> MigrationWindow.Counts {
    let now = clock.monotonicNanos()
    return machine.withLock { $0.counts(now: now) }
  }

  public var thresholds: MigrationThresholds { machine.withLock { $0.thresholds } }

  /// Applies `setting` (see `MigrationStateMachine.change`); answers the action, if any, after
  /// telling the observer.
  @discardableResult
  public func change(
    to setting: MigrationSetting, source: MigrationStateMachine.Source, version: UInt64?
  ) -> MigrationStateMachine.Action? {
    let now = clock.monotonicNanos()
    let action = machine.withLock { machine -> MigrationStateMachine.Action? in
      let action = machine.change(to: setting, source: source, version: version, now: now)
      if action != nil { publish(machine) }
      return action
    }
    if let action { notify(action) }
    return action
  }

  // MARK: Plumbing

  private func publish(_ machine: MigrationStateMachine) {
    packed.store(Self.pack(machine), ordering: .releasing)
    drainEnd.store(Self.saturatingAdd(machine.applied.since, drainWindow), ordering: .releasing)
  }

  private func notify(_ action: MigrationStateMachine.Action) {
    let observer = self.observer.withLock { $0 }
    observer?.migrationChanged(action)
  }

  private static func pack(_ machine: MigrationStateMachine) -> UInt64 {
    let setting = machine.applied.setting
    return index(setting.mode) | UInt64(setting.percentage) << 8 | (machine.judging ? 1 << 16 : 0)
  }

  private static func index(_ mode: MigrationMode) -> UInt64 {
    switch mode {
    case .off: 0
    case .shadow: 1
    case .dual: 2
    case .split: 3
    case .complete: 4
    }
  }

  @inline(__always)
  private static func mode(_ index: UInt64) -> MigrationMode {
    switch index {
    case 1: .shadow
    case 2: .dual
    case 3: .split
    case 4: .complete
    default: .off
    }
  }

  private static func saturatingAdd(_ a: UInt64, _ b: UInt64) -> UInt64 {
    let (sum, overflow) = a.addingReportingOverflow(b)
    return overflow ? UInt64.max : sum
  }
}
