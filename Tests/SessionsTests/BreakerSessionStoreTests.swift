import XCTest

@testable import Sessions

/// A store whose `load` answers at once with the next scripted result; counts calls.
private final class ScriptedStore: SessionStore, @unchecked Sendable {
  var next: Result<LoadOutcome, SessionError> = .success(.notFound)
  var calls = 0

  func load(storeKey: String, now: Int64, completion: @escaping (Result<LoadOutcome, SessionError>) -> Void) {
    calls += 1
    completion(next)
  }
  func create(
    _ session: StoredSession, userKey: String, limits: SessionLimits, now: Int64,
    completion: @escaping (Result<CreateOutcome, SessionError>) -> Void
  ) { completion(.failure(SessionError(.storeUnavailable))) }
  func touch(
    storeKey: String, userKey: String, lastAccess: Int64, expiresAt: Int64, now: Int64,
    completion: @escaping (Result<TouchOutcome, SessionError>) -> Void
  ) { completion(.success(.touched)) }
  func rotate(
    userKey: String, oldKey: String, newSession: StoredSession, forward: SealedRecord, grace: Int64,
    now: Int64,
    completion: @escaping (Result<RotateOutcome, SessionError>) -> Void
  ) { completion(.success(.notFound)) }
  func destroy(storeKey: String, userKey: String, completion: @escaping (Result<Bool, SessionError>) -> Void)
  {
    completion(.success(false))
  }
  func revokeAll(userKey: String, completion: @escaping (Result<[String], SessionError>) -> Void) {
    completion(.success([]))
  }
  func list(
    userKey: String, now: Int64, completion: @escaping (Result<[SessionSummary], SessionError>) -> Void
  ) {
    completion(.success([]))
  }
}

/// Everything a breaker reports, in order; `callStarted` hands out 100, 200, … (the fake clock).
private final class RecordingMetrics: BreakerSessionStoreMetrics, @unchecked Sendable {
  var events: [String] = []
  private var clock: UInt64 = 0

  func storeFailed(detail: String) { events.append("failed: \(detail)") }
  func refusedWhileOpen() { events.append("refused") }
  func breakerChanged(worker: Int, to state: BreakerSessionStore.State) {
    events.append("worker \(worker): \(state)")
  }
  func callStarted() -> UInt64 {
    clock += 100
    return clock
  }
  func callFinished(startedAt: UInt64, operation: BreakerSessionStore.Operation) {
    events.append("call from \(startedAt)")
  }
}

final class BreakerSessionStoreTests: XCTestCase {
  /// A closed breaker is a transparent store: the whole store contract holds through it.
  func testConformanceWhileClosed() {
    var breakers: [BreakerSessionStore] = []
    SessionStoreConformance(
      makeStore: {
        let breaker = BreakerSessionStore(
          inner: MemorySessionStore(), now: { 0 }, failureThreshold: 1, cooldown: 1_000_000_000)
        breakers.append(breaker)
        return breaker
      },
      waitUntil: { _ in }, usesInjectedTime: true
    ).run()
    XCTAssertFalse(breakers.isEmpty, "the suite ran against breakers")
    for breaker in breakers {
      XCTAssertEqual(breaker.state, .closed, "no call of the suite counted as a store failure")
    }
  }

  /// A recovery signal after the breaker opened closes it at the next call, cooldown or not; one
  /// from before it opened does not.
  func testRecoverySignalClosesAnOpenBreaker() {
    let inner = ScriptedStore()
    var recoveries: UInt64 = 1
    let breaker = BreakerSessionStore(
      inner: inner, now: { 0 }, failureThreshold: 1, cooldown: 60_000_000_000, recoveries: { recoveries })
    inner.next = Self.down
    breaker.load(storeKey: "s:{t}:00", now: 0) { _ in }
    XCTAssertEqual(breaker.state, .open)
    inner.next = Self.up
    var refused = false
    breaker.load(storeKey: "s:{t}:00", now: 0) { refused = (try? $0.get()) == nil }
    XCTAssertTrue(refused, "open, no new recovery: refused")
    XCTAssertEqual(inner.calls, 1)
    recoveries += 1
    var answered = false
    breaker.load(storeKey: "s:{t}:00", now: 0) { answered = (try? $0.get()) != nil }
    XCTAssertTrue(answered, "after the recovery signal the call reaches the store")
    XCTAssertEqual(inner.calls, 2)
    XCTAssertEqual(breaker.state, .closed)
  }

  func testReportsFailuresRefusalsTransitionsAndCallTimes() {
    let inner = ScriptedStore()
    let metrics = RecordingMetrics()
    let breaker = BreakerSessionStore(
      inner: inner, now: { 0 }, failureThreshold: 2, cooldown: 1_000_000_000, workerIndex: 3,
      metrics: metrics)
    inner.next = Self.down
    for _ in 0..<4 { breaker.load(storeKey: "s:{t}:00", now: 0) { _ in } }
    XCTAssertEqual(
      metrics.events,
      [
        "call from 100", "failed: redis command timed out",
        "call from 200", "failed: redis command timed out", "worker 3: open",
        "refused", "refused",
      ])
  }
  private static let down = Result<LoadOutcome, SessionError>.failure(
    SessionError(.storeUnavailable, "redis command timed out"))
  private static let up = Result<LoadOutcome, SessionError>.success(.notFound)

  private enum Step {
    /// Set the inner store's answer.
    case inner(Result<LoadOutcome, SessionError>)
    /// Advance the fake clock (ns).
    case advance(UInt64)
    /// One load: whether it reached the inner store, and whether it succeeded.
    case load(reached: Bool, ok: Bool)
    case state(BreakerSessionStore.State)
    /// Outage start relative to the clock's origin, or nil.
    case outage(UInt64?)
    case connected(Bool)
  }

  func testStateMachine() {
    let ms: UInt64 = 1_000_000
    let cases: [(name: String, steps: [Step])] = [
      (
        "stays closed below the threshold, a success resets the count",
        [
          .inner(Self.down), .load(reached: true, ok: false), .load(reached: true, ok: false),
          .inner(Self.up), .load(reached: true, ok: true), .inner(Self.down), .load(reached: true, ok: false),
          .load(reached: true, ok: false), .state(.closed),
        ]
      ),
      (
        "opens after 3 consecutive failures and fails fast",
        [
          .inner(Self.down), .load(reached: true, ok: false), .load(reached: true, ok: false),
          .load(reached: true, ok: false), .state(.open), .inner(Self.up), .load(reached: false, ok: false),
          .advance(999 * ms), .load(reached: false, ok: false), .state(.open),
        ]
      ),
      (
        "half-open probe succeeds and closes",
        [
          .inner(Self.down), .load(reached: true, ok: false), .load(reached: true, ok: false),
          .load(reached: true, ok: false), .inner(Self.up), .advance(1000 * ms),
          .load(reached: true, ok: true),
          .state(.closed), .load(reached: true, ok: true), .outage(nil),
        ]
      ),
      (
        "half-open probe fails and reopens for another cooldown",
        [
          .inner(Self.down), .load(reached: true, ok: false), .load(reached: true, ok: false),
          .load(reached: true, ok: false), .advance(1000 * ms), .load(reached: true, ok: false),
          .state(.open),
          .advance(500 * ms), .load(reached: false, ok: false), .advance(500 * ms),
          .load(reached: true, ok: false),
        ]
      ),
      (
        "not-found and conflicts are answers, not failures",
        [
          .inner(.failure(SessionError(.storeConflict))), .load(reached: true, ok: false),
          .load(reached: true, ok: false), .load(reached: true, ok: false), .state(.closed), .outage(nil),
        ]
      ),
      (
        "outage starts at the first failure of the streak",
        [
          .advance(10 * ms), .inner(Self.down), .load(reached: true, ok: false), .advance(5 * ms),
          .load(reached: true, ok: false), .load(reached: true, ok: false), .outage(10 * ms),
          .advance(2000 * ms), .outage(10 * ms),
        ]
      ),
      (
        "a lost connection is an outage while the breaker is still closed",
        [.advance(7 * ms), .connected(false), .outage(7 * ms), .connected(true), .outage(nil)]
      ),
    ]
    for c in cases {
      var clock: UInt64 = 1_000_000_000
      let origin = clock
      var connected = true
      let inner = ScriptedStore()
      let breaker = BreakerSessionStore(
        inner: inner, now: { clock }, failureThreshold: 3, cooldown: 1000 * ms, connected: { connected })
      for (index, step) in c.steps.enumerated() {
        let label = "\(c.name), step \(index)"
        switch step {
        case .inner(let result): inner.next = result
        case .advance(let ns): clock += ns
        case .connected(let value):
          connected = value
          if !value { breaker.connectionLost() } else { breaker.record(nil) }
        case .state(let expected): XCTAssertEqual(breaker.state, expected, label)
        case .outage(let expected):
          XCTAssertEqual(breaker.outageStart().map { $0 - origin }, expected, label)
        case .load(let reached, let ok):
          let before = inner.calls
          var answer: Result<LoadOutcome, SessionError>?
          breaker.load(storeKey: "s:{t}:00", now: 0) { answer = $0 }
          XCTAssertEqual(inner.calls > before, reached, "\(label): reached the store")
          guard let answer else {
            XCTFail("\(label): no synchronous answer")
            continue
          }
          if case .success = answer {
            XCTAssertTrue(ok, "\(label): succeeded")
          } else {
            XCTAssertFalse(ok, "\(label): failed")
          }
        }
      }
    }
  }
}
