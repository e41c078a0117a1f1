/// Response phase 2, the response half of sessions: the app's `Gatehouse-Login`, `-Logout` and
/// `-Elevate` headers (names configurable) are carried out by `SessionLifecycle` — which may wait
/// for the store — and its cookies replace any the request phases queued. The vault's changes
/// (`VaultCapturePhase`) go into the record a login creates or an elevation rotates; without a
/// lifecycle header, a changed vault is written into the current session (`.vaultUpdate`). An invalid lifecycle
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
    // The matchers are read where the runtime holds them: binding them (`guard let`) copied the
    // struct, eight retains and releases per response (docs/performance.md, "round 5").
    let runtime = request.runtime
    guard case .some = runtime.lifecycleHeaders, let sessions = worker.sessionLifecycle else {
      return .proceed
    }
    var action: SessionLifecycle.Action?
    if let scanned = SessionLifecycle.scan(
      view.head, base: view.bytes.baseAddress!, headers: runtime.lifecycleHeaders!)
    {
      guard let valid = scanned else {
        return .answer(ProxyError(.upstreamProtocol, .upstream, "invalid session lifecycle header"))
      }
      action = valid
    }
    if action == nil, let detect = request.runtime.vault?.detect, request.loginDetect != .none {
      action = detect.action(
        for: request.loginDetect, session: request.session, view, dropped: &request.droppedResponseFields,
        metrics: sessions.service.metrics.vault)
      if let action { request.loginDetect = .applying(login: action != .logout(all: false)) }
    }
    if action == nil && request.hasVaultChanges { action = vaultAction(request, sessions) }
    guard let action else { return .proceed }
    let resume = view.waker.callback { (outcome: SessionLifecycle.Outcome, request: inout RequestContext) in
      request.lifecycle = .answered(outcome)
    }
    guard
      let outcome = sessions.apply(
        action, request: request.authRequest, session: request.session, vault: request.vaultChanges,
        resume: resume)
    else {
      request.lifecycle = .waiting
      return .wait
    }
    request.lifecycle = .done
    return apply(outcome, &request)
  }

  /// The app changed vaulted cookies without a lifecycle header: a record write when the
  /// session's vault really changes (an app repeating the same value costs nothing); without a
  /// session the cookie is kept nowhere (it never reached the client either).
  private func vaultAction(_ request: RequestContext, _ sessions: SessionLifecycle) -> SessionLifecycle
    .Action?
  {
    guard let session = request.session else {
      sessions.service.metrics.vault.record(.droppedNoSession, count: request.vaultChanges.count)
      return nil
    }
    let vault = session.record.vault
    return VaultChange.applying(request.vaultChanges, to: vault) == vault ? nil : .vaultUpdate
  }

  private func apply(_ outcome: SessionLifecycle.Outcome, _ request: inout RequestContext) -> PhaseResult {
    if case .applying(let login) = request.loginDetect,
      let metrics = worker.sessionLifecycle?.service.metrics.vault
    {
      switch outcome {
      case .headers: metrics.login(login ? .created : .logout)
      case .refuse: if login { metrics.login(.refused) }
      }
    }
    switch outcome {
    case .headers(let headers):
      request.responseHeaders = headers
      return .proceed
    case .refuse(let error, let headers):
      return .answer(error, headers: headers)
    }
  }
}
