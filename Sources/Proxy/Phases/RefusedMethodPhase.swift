/// Request phase 3: methods on `[limits] refused_methods` (default `TRACE`, `TRACK`) are
/// answered 501 before routing, with a `refused_method` security event. `TRACE` echoes the request
/// it receives: on a session route the app would reflect the identity and CSRF headers Gatehouse
/// adds (docs/security.md, "Request head"). Immutable.
struct RefusedMethodPhase: RequestPhase {
  unowned(unsafe) let worker: Worker

  func run(_ request: inout RequestContext, _ view: RequestView) -> PhaseResult {
    guard request.runtime.hardening.refuses(method: view.methodName) else { return .proceed }
    worker.logSecurityEvent("refused_method", context: request, peer: view.peer)
    return .answer(ProxyError(.methodRefused, .downstream, "refused_methods"))
  }
}
