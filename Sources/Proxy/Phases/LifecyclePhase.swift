/// Response phase 1, the response half of sessions: the app's `Gatehouse-Login`, `-Logout` and
/// `-Elevate` headers (names configurable) are carried out by `SessionLifecycle` — which may wait
/// for the store — and its cookies replace any the request phases queued. An invalid lifecycle
/// header is the app's bug: 502, never half applied. Without `[session]` the phase does nothing.
/// Immutable (the lifecycle service is the worker's).
struct LifecyclePhase: ResponsePhase {
  unowned(unsafe) let worker: Worker

  func run(_ request: inout RequestContext, _ view: ResponseView) -> PhaseResult {
    guard view.kind == .final else { return .proceed }
    if case .answered(let outcome) = request.lifecycle {
      request.lifecycle = .done
      return apply(outcome, &request)
    }
    guard let names = request.runtime.lifecycleHeaders, let sessions = worker.sessionLifecycle,
      let scanned = SessionLifecycle.scan(view.head, base: view.bytes.baseAddress!, headers: names)
    else { return .proceed }
    guard let action = scanned else {
      return .answer(ProxyError(.upstreamProtocol, .upstream, "invalid session lifecycle header"))
    }
    let resume = view.waker.callback { (outcome: SessionLifecycle.Outcome, request: inout RequestContext) in
      request.lifecycle = .answered(outcome)
    }
    guard
      let outcome = sessions.apply(
        action, request: request.authRequest, session: request.session, resume: resume)
    else {
      request.lifecycle = .waiting
      return .wait
    }
    request.lifecycle = .done
    return apply(outcome, &request)
  }

  private func apply(_ outcome: SessionLifecycle.Outcome, _ request: inout RequestContext) -> PhaseResult {
    switch outcome {
    case .headers(let headers):
      request.responseHeaders = headers
      return .proceed
    case .refuse(let error, let headers):
      return .answer(error, headers: headers)
    }
  }
}
