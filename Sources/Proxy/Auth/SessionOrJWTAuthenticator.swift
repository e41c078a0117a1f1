import Config

/// `auth = "session_or_jwt"`: a request that carries `Authorization: Bearer …` is judged as a JWT
/// request (and only as that: a bad token is not rescued by a cookie); any other request as a
/// session request (cookie, login redirect, CSRF). The per-policy authenticators are looked up on
/// every call because a reload may replace the JWT one. Loop-thread only.
final class SessionOrJWTAuthenticator: RequestAuthenticator {
  unowned let worker: Worker

  init(worker: Worker) { self.worker = worker }

  func authenticate(_ request: AuthRequest, resume: @escaping (AuthOutcome) -> Void) -> AuthOutcome? {
    authenticate(request, later: AuthResume(resume))
  }

  func authenticate(_ request: AuthRequest, later: AuthResume) -> AuthOutcome? {
    let policy: AuthPolicy = Self.hasBearer(request.authorization) ? .jwt : .session
    guard let authenticator = worker.authenticators[policy] else {
      return .deny(ProxyError(.unauthorized, .internal, "\(policy.rawValue) not configured"), headers: [])
    }
    return authenticator.authenticate(request, later: later)
  }

  /// Any `Bearer` Authorization, well-formed or not (a malformed one is the JWT path's to refuse).
  static func hasBearer(_ value: [UInt8]?) -> Bool {
    guard let value else { return false }
    return BearerToken.fromAuthorization(value) != .absent
  }

}
