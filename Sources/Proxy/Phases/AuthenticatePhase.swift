import Config
import HTTP1

/// Request phase 7: the route's policy decides — `public` passes; `jwt`, `session` and
/// `session_or_jwt` ask the worker's authenticator, which answers at once or later (a key
/// fetch, a store round trip): then the phase waits and runs again with the answer in
/// `request.authentication`. A grant's identity headers go to `request.identityHeaders` (for the
/// upstream request) and its cookies to `request.responseHeaders`; a denial is logged as a
/// security event, counted by route and reason (`gatehouse_auth_failures_total`), and answered.
///
/// The session checks (idle and absolute timeout, IP/User-Agent binding, CSRF, rotation) run
/// inside `SessionAuthenticator`: each needs the session record that the lookup loads, and
/// rotation replaces the ticket the grant is made for, so they are not separate phases. The
/// CSRF token of a urlencoded form is read from the body: when it can be nowhere else, this
/// phase asks for the body first (`.needBody`). Immutable (the authenticators are the worker's).
struct AuthenticatePhase: RequestPhase {
  unowned(unsafe) let worker: Worker

  func run(_ request: inout RequestContext, _ view: RequestView) -> PhaseResult {
    // The runtime is read where the context holds it (a local copy was a retain and a release).
    let policy = request.runtime.routes.routes[request.routeIndex].auth
    switch request.authentication {
    case .answered(let outcome):
      request.authentication = .done
      return apply(outcome, &request, view)
    case .waitingForBody(let length):
      guard let authenticator = worker.authenticator(for: policy), var withBody = request.authRequest else {
        return refuse(ProxyError(.unauthorized, .internal, "policy unavailable"), request)
      }
      withBody.formBody = Array(UnsafeRawBufferPointer(rebasing: view.body[0..<length]))
      return authenticate(withBody, with: authenticator, &request, view)
    case .notStarted, .waiting, .done:
      break
    }
    // Kept for the response phases (login, logout, elevate need the client's address and
    // User-Agent) whenever sessions are configured: stored after the authenticator has seen it
    // (moved, not copied out of the request's state again).
    let keep = request.runtime.sessionCookieName != nil
    if policy == .publicAccess {
      if keep {
        request.authRequest = AuthRequest(request, view, route: request.routeIndex)
      }
      request.authMethod = "public"
      return .proceed
    }
    guard let authenticator = worker.authenticator(for: policy) else {
      // Policies not built into this binary never open a route (config check refuses them too).
      if keep {
        request.authRequest = AuthRequest(request, view, route: request.routeIndex)
      }
      return refuse(ProxyError(.unauthorized, .internal, "policy unavailable"), request)
    }
    if let outcome = answerInPlace(authenticator, &request, view) {
      if keep {
        request.authRequest = AuthRequest(request, view, route: request.routeIndex)
      }
      request.authentication = .done
      return apply(outcome, &request, view)
    }
    let authRequest = AuthRequest(request, view, route: request.routeIndex)
    request.sessionCookieAlone = authRequest.sessionCookieAlone
    if let length = formBodyToRead(authRequest, policy: policy, request.runtime, view) {
      request.authRequest = authRequest
      request.authentication = .waitingForBody(length)
      return .needBody(length)
    }
    let result = authenticate(authRequest, with: authenticator, &request, view)
    if keep { request.authRequest = consume authRequest }
    return result
  }

  /// The authenticator's answer from the `Authorization` bytes in the read buffer (a repeated
  /// bearer token), without the `AuthRequest` copy; nil: the full path.
  private func answerInPlace(
    _ authenticator: any RequestAuthenticator, _ request: inout RequestContext, _ view: RequestView
  ) -> AuthOutcome? {
    // Read in place: `let index = request.headers` copied the index (and retained its storage).
    let position = request.headers.authorization
    guard request.headers.authorizationCount == 1, position >= 0 else { return nil }
    let value = view.head.fields[position].value(in: view.bytes)
    if request.traceFlags & 1 != 0 && request.runtime.exportSpans && request.authStartNanos == 0 {
      request.authStartNanos = worker.loop.clock.monotonicNanos()
    }
    return authenticator.answerInPlace(authorization: value)
  }

  private func authenticate(
    _ authRequest: AuthRequest, with authenticator: any RequestAuthenticator, _ request: inout RequestContext,
    _ view: RequestView
  ) -> PhaseResult {
    if request.traceFlags & 1 != 0 && request.runtime.exportSpans && request.authStartNanos == 0 {
      request.authStartNanos = worker.loop.clock.monotonicNanos()
    }
    guard let outcome = authenticator.authenticate(authRequest, later: AuthResume(waker: view.waker)) else {
      request.authentication = .waiting
      return .wait
    }
    request.authentication = .done
    return apply(outcome, &request, view)
  }

  private func apply(_ outcome: consuming AuthOutcome, _ request: inout RequestContext, _ view: RequestView)
    -> PhaseResult
  {
    if request.authStartNanos != 0 { request.authEndNanos = worker.loop.clock.monotonicNanos() }
    switch consume outcome {
    case .allow(var grant):
      // Moved out of the grant, not copied: a copy is a retain here and a release when the
      // grant goes, per reference (docs/performance.md, "Pass-through and repeated token, round 6").
      request.authMethod = grant.method
      request.principalHash = grant.principal.take()
      request.stripAuthorization = grant.stripAuthorization
      swap(&request.identityHeaders, &grant.identityHeaders)
      request.identityLines = grant.identityLines.take()
      swap(&request.responseHeaders, &grant.responseHeaders)
      request.session = grant.session.take()
      request.token = grant.token.take()
      request.tokenHash = grant.tokenHash
      return .proceed
    case .deny(let error, let headers):
      let kind: String
      switch error.kind {
      case .csrfFailed: kind = "csrf_failure"
      case .forbidden: kind = "forbidden"
      case .storeUnavailable, .sessionLimit: kind = error.kind.rawValue
      default: kind = "unauthenticated"
      }
      worker.logSecurityEvent(kind, context: request, peer: view.peer, reason: error.detail)
      return refuse(error, request, headers: headers)
    }
  }

  /// Every answer this phase gives instead of the app's, counted by route and reason
  /// (`gatehouse_auth_failures_total`; the dashboard's per-route table reads it).
  private func refuse(_ error: ProxyError, _ request: RequestContext, headers: [(String, String)] = [])
    -> PhaseResult
  {
    worker.metrics.authenticationRefused(error.kind, routeSlot: worker.routeSlot(request.routeIndex))
    return .answer(error, headers: headers)
  }

  /// A form body is read before authentication only when the CSRF token can be nowhere else:
  /// an unsafe request on a session route, no CSRF header, a urlencoded body with a length that
  /// fits the configured bound (and the buffer). Otherwise the check runs on the headers alone.
  private func formBodyToRead(
    _ authRequest: AuthRequest, policy: AuthPolicy, _ runtime: RuntimeConfig, _ view: RequestView
  ) -> Int? {
    let head = view.head
    guard runtime.csrfFormBytes > 0, policy == .session || policy == .sessionOrJWT,
      !head.method.isSafe, authRequest.fields.slice(.csrfToken) == nil,
      authRequest.fields.slice(.sessionCookie) != nil,
      !head.expectContinue,
      case .contentLength(let length) = head.framing, length > 0, length <= Int64(runtime.csrfFormBytes),
      Int(length) <= view.bodyRoom, let type = authRequest.contentType,
      ByteSearch.containsCaseInsensitive(type, "application/x-www-form-urlencoded")
    else { return nil }
    return Int(length)
  }
}
