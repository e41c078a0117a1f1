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

  /// The closure to call with a late answer (made here, once per late answer).
  public func closure() -> (AuthOutcome) -> Void {
    if let given { return given }
    return waker!.callback { (outcome: AuthOutcome, request: inout RequestContext) in
      request.authentication = .answered(outcome)
    }
  }
}
