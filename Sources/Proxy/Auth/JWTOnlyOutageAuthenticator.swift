/// `auth = "session"` with `[redis] on_store_unavailable = "jwt_only"`: while the session store is
/// unavailable, a request carrying `Authorization: Bearer …` is judged as a JWT request (any
/// configured issuer), as a `session_or_jwt` route would judge it. Everything else — and every
/// request while the store is usable — is the session authenticator's: a cookie-only request
/// still gets the stale-grace rule and then 503, and a bearer token never opens a `session`
/// route while sessions can be checked (docs/operations.md §1). Loop-thread only.
final class JWTOnlyOutageAuthenticator: RequestAuthenticator {
  let session: SessionAuthenticator
  /// The JWT authenticator is looked up per call: a reload may replace it.
  unowned let worker: Worker

  init(session: SessionAuthenticator, worker: Worker) {
    self.session = session
    self.worker = worker
  }

  func authenticate(_ request: AuthRequest, resume: @escaping (AuthOutcome) -> Void) -> AuthOutcome? {
    guard SessionOrJWTAuthenticator.hasBearer(request.authorization), let jwt = worker.authenticators[.jwt]
    else {
      return session.authenticate(request, resume: resume)
    }
    if session.storeIsUnavailable { return jwt.authenticate(request, resume: resume) }
    // The store looked usable; if this very lookup finds it is not, the token decides.
    let fallBack: (AuthOutcome) -> AuthOutcome? = { outcome in
      guard case .deny(let error, _) = outcome, error.kind == .storeUnavailable else { return outcome }
      return jwt.authenticate(request, resume: resume)
    }
    guard
      let outcome = session.authenticate(
        request,
        resume: { outcome in
          if let answer = fallBack(outcome) { resume(answer) }
        })
    else { return nil }
    return fallBack(outcome)
  }
}
