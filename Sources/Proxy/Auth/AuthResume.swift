/// Where an authenticator's late answer goes, made into a closure only when the answer is late.
/// Most answers are immediate (an L1 hit, a repeated token): then no closure is allocated, kept
/// or released (docs/performance.md, "Session L1 hit, round 4"). Loop-thread only.
public struct AuthResume {
  /// The waiting request's exchange (the authentication phase's path).
  let waker: Waker?
  /// A closure given by the caller (tests, wrappers).
  let given: ((AuthOutcome) -> Void)?

  /// The answer is given to `resume`.
  public init(_ resume: @escaping (AuthOutcome) -> Void) {
    waker = nil
    given = resume
  }

  /// The answer is stored into the waiting request's context, and its authentication phase runs
  /// again (`RequestContext.authentication`).
  init(waker: Waker) {
    self.waker = waker
    given = nil
  }

  /// Gives a late answer without making a closure (`SessionLookup`): the caller holds the
  /// waker's host until then (the waker does not).
  func answer(_ outcome: AuthOutcome) {
    if let given { return given(outcome) }
    guard let waker else { return }
    waker.host.resume(generation: waker.generation) { $0.authentication = .answered(outcome) }
  }

  /// The closure to call with a late answer (made here, once per late answer).
  public func closure() -> (AuthOutcome) -> Void {
    if let given { return given }
    return waker!.callback { (outcome: AuthOutcome, request: inout RequestContext) in
      request.authentication = .answered(outcome)
    }
  }
}
