import Sessions
import Synchronization
import XCTest

/// The mode / step-back state machine on a fake clock, and its sliding window.
final class MigrationStateMachineTests: XCTestCase {
  let thresholds = MigrationThresholds(
    errorRate: 0.01, p99: 50_000_000, mismatchRate: 0.02, window: 10_000_000_000, minimumOperations: 100)

  func split(_ percentage: Int) -> MigrationSetting { MigrationSetting(mode: .split, percentage: percentage) }

  func testChanges() {
    var machine = MigrationStateMachine(initial: .off, thresholds: thresholds, now: 0)
    let dual = MigrationSetting(mode: .dual)
    XCTAssertEqual(machine.applied.source, .file, "starts from the file")
    guard case .changed(let old, let new)? = machine.change(to: dual, source: .admin, version: 3, now: 5)
    else {
      return XCTFail("admin change applies")
    }
    XCTAssertEqual([old.setting, new.setting], [.off, dual], "off → dual")
    XCTAssertEqual([new.version, new.since], [3, 5], "version and time recorded")
    let cases:
      [(
        name: String, setting: MigrationSetting, source: MigrationStateMachine.Source, version: UInt64?,
        acts: Bool, after: UInt64
      )] = [
        ("same setting, newer version: recorded silently", dual, .fleet, 4, false, 4),
        ("older fleet version ignored", split(50), .fleet, 2, false, 4),
        ("same fleet version ignored", split(50), .fleet, 4, false, 4),
        ("newer fleet version followed", split(10), .fleet, 5, true, 5),
        ("reload without a version keeps it", split(25), .reload, nil, true, 5),
      ]
    for c in cases {
      let action = machine.change(to: c.setting, source: c.source, version: c.version, now: 9)
      XCTAssertEqual(action != nil, c.acts, c.name)
      XCTAssertEqual(machine.applied.version, c.after, "\(c.name): version")
    }
    XCTAssertEqual(machine.applied.setting, split(25), "last applied")
    XCTAssertEqual(machine.applied.source, .reload, "source")
  }

  func testPreviousSteps() {
    let cases: [(Int, Int)] = [(100, 50), (50, 25), (30, 25), (25, 10), (10, 0), (5, 0), (0, 0)]
    for (from, to) in cases { XCTAssertEqual(split(from).previousStep, to, "\(from) → \(to)") }
  }

  func testStepBackReasons() {
    let cases:
      [(
        name: String, observations: [MigrationStateMachine.Observation],
        reason: MigrationStateMachine.StepBackReason?
      )] = [
        ("healthy", Array(repeating: .call(succeeded: true, nanoseconds: 1_000_000), count: 200), nil),
        (
          "2 % errors",
          Array(repeating: .call(succeeded: true, nanoseconds: 1_000_000), count: 98)
            + Array(repeating: .call(succeeded: false, nanoseconds: 1_000_000), count: 2), .errorRate
        ),
        (
          "1 % errors is not over 1 %",
          Array(repeating: .call(succeeded: true, nanoseconds: 1_000_000), count: 199)
            + Array(repeating: .call(succeeded: false, nanoseconds: 1_000_000), count: 2), nil
        ),
        (
          "2 % slower than p99",
          Array(repeating: .call(succeeded: true, nanoseconds: 1_000_000), count: 98)
            + Array(repeating: .call(succeeded: true, nanoseconds: 60_000_000), count: 2), .latency
        ),
        (
          "3 % mismatches",
          Array(repeating: .comparison(mismatched: false), count: 97)
            + Array(repeating: .comparison(mismatched: true), count: 3), .mismatchRate
        ),
        ("too few calls to judge", Array(repeating: .call(succeeded: false, nanoseconds: 1), count: 99), nil),
      ]
    for c in cases {
      var machine = MigrationStateMachine(initial: split(50), thresholds: thresholds, now: 0)
      var actions: [MigrationStateMachine.Action] = []
      for (i, observation) in c.observations.enumerated() {
        let now = UInt64(i) * 1_000_000
        if let proposal = machine.observe(observation, now: now),
          let action = machine.applyStepBack(proposal, version: nil, now: now)
        {
          actions.append(action)
        }
      }
      guard let reason = c.reason else {
        XCTAssertEqual(actions, [], c.name)
        XCTAssertEqual(machine.applied.setting, split(50), "\(c.name): unchanged")
        continue
      }
      XCTAssertEqual(actions.count, 1, "\(c.name): one step back")
      guard case .steppedBack(let old, let new, let why, _)? = actions.first else { continue }
      XCTAssertEqual(why, reason, c.name)
      XCTAssertEqual([old.setting.percentage, new.setting.percentage], [50, 25], "\(c.name): 50 → 25")
      XCTAssertEqual(new.source, .stepBack, c.name)
    }
  }

  func testStepsBackOneStepAtATimeAndNeverClimbs() {
    var machine = MigrationStateMachine(initial: split(100), thresholds: thresholds, now: 0)
    var now: UInt64 = 0
    var percentages: [Int] = []
    for _ in 0..<1000 {
      now += 1_000_000
      if let proposal = machine.observe(.call(succeeded: false, nanoseconds: 1), now: now),
        case .steppedBack(_, let new, _, _)? = machine.applyStepBack(proposal, version: nil, now: now)
      {
        percentages.append(new.setting.percentage)
      }
    }
    XCTAssertEqual(percentages, [50, 25, 10, 0], "each step back needs a fresh window; it stops at 0")
    XCTAssertFalse(machine.judging, "at 0 % nothing is judged")
    for _ in 0..<1000 {
      now += 1_000_000
      XCTAssertNil(machine.observe(.call(succeeded: true, nanoseconds: 1), now: now), "never climbs back")
    }
    XCTAssertEqual(machine.applied.setting, split(0), "stays at 0 %")
  }

  /// A proposal is applied only under the setting it was judged under, and blocks others meanwhile.
  func testProposalsWaitForTheirDecision() {
    let few = MigrationThresholds(minimumOperations: 10)
    var machine = MigrationStateMachine(initial: split(100), thresholds: few, now: 0)
    XCTAssertNil(
      machine.change(to: split(100), source: .fleet, version: 5, now: 0), "same setting, new version")
    var proposal: MigrationStateMachine.StepBack?
    for i in 0..<10 {
      proposal = machine.observe(.call(succeeded: false, nanoseconds: 1), now: UInt64(i)) ?? proposal
    }
    guard let first = proposal else { return XCTFail("10 failures propose a step back") }
    XCTAssertEqual([first.from.setting, first.to], [split(100), split(50)], "100 → 50")
    XCTAssertEqual(first.from.version, 5, "judged under version 5")
    for i in 10..<40 {
      XCTAssertNil(
        machine.observe(.call(succeeded: false, nanoseconds: 1), now: UInt64(i)), "one proposal at a time")
    }
    // The fleet moved on to complete before the proposal was decided: it no longer applies.
    XCTAssertNotNil(
      machine.change(to: MigrationSetting(mode: .complete), source: .fleet, version: 6, now: 50))
    XCTAssertNil(machine.applyStepBack(first, version: nil, now: 51), "stale proposal not applied")
    XCTAssertEqual(machine.applied.setting.mode, .complete, "complete stays")
    // Abandoned: judging resumes; an applied one keeps the version it was published under.
    var again = MigrationStateMachine(initial: split(50), thresholds: few, now: 0)
    var pending: MigrationStateMachine.StepBack?
    for i in 0..<10 {
      pending = again.observe(.call(succeeded: false, nanoseconds: 1), now: UInt64(i)) ?? pending
    }
    again.abandonStepBack(pending!)
    XCTAssertNil(again.pendingStepBack, "abandoned")
    var next: MigrationStateMachine.StepBack?
    for i in 10..<20 { next = again.observe(.call(succeeded: false, nanoseconds: 1), now: UInt64(i)) ?? next }
    XCTAssertNotNil(next, "a new window can propose again")
    XCTAssertNotNil(again.applyStepBack(next!, version: 9, now: 20), "applied")
    XCTAssertEqual(again.applied.version, 9, "published version kept")
  }

  func testObservationsCountOnlyInSplit() {
    for setting in [MigrationSetting.off, MigrationSetting(mode: .dual), MigrationSetting(mode: .complete)] {
      var machine = MigrationStateMachine(initial: setting, thresholds: thresholds, now: 0)
      for i in 0..<500 {
        XCTAssertNil(machine.observe(.call(succeeded: false, nanoseconds: 1), now: UInt64(i)), "\(setting)")
      }
      XCTAssertEqual(machine.counts(now: 500).operations, 0, "\(setting): nothing counted")
    }
  }

  func testOldObservationsAgeOut() {
    var machine = MigrationStateMachine(initial: split(50), thresholds: thresholds, now: 0)
    // 60 failures, then 10 s later 60 more: never 100 in one window.
    for i in 0..<60 { XCTAssertNil(machine.observe(.call(succeeded: false, nanoseconds: 1), now: UInt64(i))) }
    for i in 0..<60 {
      XCTAssertNil(
        machine.observe(.call(succeeded: false, nanoseconds: 1), now: 11_000_000_000 + UInt64(i)),
        "window \(i): the first 60 aged out")
    }
  }

  func testWindowTable() {
    var window = MigrationWindow(span: 1000, slotCount: 10)
    let one = MigrationWindow.Counts(operations: 1)
    window.add(one, now: 0)
    window.add(one, now: 150)
    window.add(one, now: 950)
    let cases: [(now: UInt64, operations: Int)] = [
      (950, 3), (999, 3), (1000, 2), (1099, 2), (1100, 1), (1200, 1), (1999, 0),
    ]
    for c in cases { XCTAssertEqual(window.total(now: c.now).operations, c.operations, "at \(c.now)") }
    window.add(one, now: 2000)
    XCTAssertEqual(window.total(now: 2000).operations, 1, "a reused slot starts empty")
    window.reset()
    XCTAssertEqual(window.total(now: 2000).operations, 0, "reset")
  }

  func testControlMirrorsTheMachineAndTellsTheObserver() {
    let clock = FakeClock()
    let control = MigrationControl(
      initial: split(25), thresholds: MigrationThresholds(minimumOperations: 10), drainWindow: 1_000,
      clock: clock.read)
    let observer = RecordingObserver()
    control.setObserver(observer)
    XCTAssertEqual(control.setting, split(25), "hot-path copy")
    XCTAssertTrue(control.judging, "split 25 judges")
    for _ in 0..<10 { control.observe(.call(succeeded: false, nanoseconds: 1), now: clock.now) }
    XCTAssertEqual(control.setting, split(10), "without a gate a step back applies at once")
    XCTAssertEqual(observer.actions.count, 1, "observer told once")
    // With a gate: abandoned (the fleet moved on) changes nothing; applied takes the version.
    let decisions = Mutex<[MigrationControl.StepBackDecision]>([.abandon, .apply(version: 42)])
    control.setStepBackGate { _, decide in decide(decisions.withLock { $0.removeFirst() }) }
    for _ in 0..<10 { control.observe(.call(succeeded: false, nanoseconds: 1), now: clock.now) }
    XCTAssertEqual(control.setting, split(10), "abandoned")
    for _ in 0..<10 { control.observe(.call(succeeded: false, nanoseconds: 1), now: clock.now) }
    XCTAssertEqual(control.setting, split(0), "applied")
    XCTAssertEqual(control.applied.version, 42, "under the published version")
    XCTAssertEqual(observer.actions.count, 2, "observer told of the applied one only")
    control.setStepBackGate(nil)
    control.change(to: MigrationSetting(mode: .complete), source: .admin, version: 7)
    XCTAssertEqual(control.setting.mode, .complete, "complete")
    XCTAssertFalse(control.judging, "complete does not judge")
    XCTAssertTrue(control.draining(now: clock.now + 999), "inside the drain window")
    XCTAssertFalse(control.draining(now: clock.now + 1_000), "drain window over")
    XCTAssertEqual(control.applied.version, 7, "version")
    XCTAssertEqual(observer.actions.count, 3, "observer told of the admin change")
  }
}

/// Records the actions a `MigrationControl` reports. Thread-safe (Mutex).
final class RecordingObserver: MigrationControlObserver {
  private let recorded = Mutex<[MigrationStateMachine.Action]>([])
  var actions: [MigrationStateMachine.Action] { recorded.withLock { $0 } }
  func migrationChanged(_ action: MigrationStateMachine.Action) { recorded.withLock { $0.append(action) } }
}
