import Config

/// A worker's authenticator per policy: one stored slot per case, so the per-request look-up is a
/// switch (a `[AuthPolicy: …]` dictionary hashed the policy's `String` raw value on every
/// request). `public` has none. Loop-thread only, as the worker.
struct AuthenticatorTable {
  private var jwt: (any RequestAuthenticator)?
  private var session: (any RequestAuthenticator)?
  private var sessionOrJWT: (any RequestAuthenticator)?

  subscript(policy: AuthPolicy) -> (any RequestAuthenticator)? {
    get {
      switch policy {
      case .publicAccess: nil
      case .jwt: jwt
      case .session: session
      case .sessionOrJWT: sessionOrJWT
      }
    }
    set {
      switch policy {
      case .publicAccess: precondition(newValue == nil, "public routes have no authenticator")
      case .jwt: jwt = newValue
      case .session: session = newValue
      case .sessionOrJWT: sessionOrJWT = newValue
      }
    }
  }
}
