/// Request phase 6: the first `[[route]]` whose path and methods match decides the policy. No
/// match is a deny (401), a `no_route` security event and an authentication failure counted
/// under route `-`: nothing is open unless a route says so. Immutable.
struct RoutePhase: RequestPhase {
  unowned(unsafe) let worker: Worker

  func run(_ request: inout RequestContext, _ view: RequestView) -> PhaseResult {
    let index = request.runtime.routes.match(
      path: view.path, method: view.head.method, methodName: view.methodName)
    request.routeIndex = index
    guard index >= 0 else {
      worker.logSecurityEvent("no_route", context: request, peer: view.peer)
      worker.metrics.authenticationRefused(.unauthorized, routeSlot: RouteSlots.noRoute)
      return .answer(ProxyError(.unauthorized, .downstream, "no route"))
    }
    return .proceed
  }
}
