import JWT

/// `[[jwt.issuer]] session_claim`: a valid token that carries the claim is granted only while the
/// Gatehouse session it names is alive (`SessionAuthenticator.liveness`). The claim holds the
/// session hash (SHA-256 of the session id, 64 hex digits — the assertion's `sid`); the token's
/// user claim must be that session's user. Loop-thread only.
extension JWTAuthenticator {
  func checkSession(
    _ claim: JSONValue, of token: VerifiedToken, _ issuer: JWTIssuerState, hash: TokenHash,
    resume: @escaping (AuthOutcome) -> Void
  ) -> AuthOutcome? {
    let config = issuer.config
    guard let sessions else {
      return deny(AuthError(.sessionEnded, "session_claim without sessions configured"))
    }
    guard let sessionHash = claim.stringValue, let user = token.claims[config.userClaim]?.stringValue else {
      return deny(AuthError(.sessionEnded, "\(config.sessionClaim ?? "") is not a session hash"))
    }
    let answer: (SessionAuthenticator.Liveness) -> AuthOutcome = { [self] liveness in
      switch liveness {
      case .alive: return grant(token, issuer, hash: hash)
      case .gone: return deny(AuthError(.sessionEnded, "the token's session is not alive"))
      case .storeUnavailable: return sessions.storeUnavailable
      }
    }
    guard let now = sessions.liveness(sessionHash: sessionHash, user: user, resume: { resume(answer($0)) })
    else {
      return nil
    }
    return answer(now)
  }
}
