import Sessions

/// `Deferred.run` written out for `AuthOutcome`, the type every session resume carries; overload
/// resolution picks it over the generic one at the authenticator's call sites. The generic
/// version, even specialised, takes its closures at `(T) -> Void`'s abstraction (the value
/// passed indirectly), so each concrete closure handed in or out is wrapped in a reabstraction
/// thunk — two allocations per store round trip (docs/performance.md, "Session from Redis,
/// round 5"). Loop-thread only.
extension Deferred {
  static func run(
    _ resume: @escaping (AuthOutcome) -> Void, _ body: (@escaping (AuthOutcome) -> Void) -> Void
  ) -> AuthOutcome? {
    let box = DeferredOutcome()
    body { outcome in
      if box.returned {
        resume(outcome)
      } else {
        box.value = outcome
      }
    }
    box.returned = true
    return box.value
  }
}

/// The outcome a synchronous completion left for `Deferred.run`. Loop-thread only.
private final class DeferredOutcome {
  var value: AuthOutcome?
  var returned = false
}
