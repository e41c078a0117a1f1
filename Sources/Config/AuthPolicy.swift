/// What a route demands of a request before it reaches the upstream. Immutable.
public enum AuthPolicy: String, Sendable, CaseIterable {
  case publicAccess = "public"
  case jwt
  case session
  case sessionOrJWT = "session_or_jwt"

  /// Whether this build can enforce the policy. The configuration refuses routes whose policy is
  /// not available rather than silently letting their requests through; this is the one switch
  /// to flip when JWT and session authentication land.
  public var isAvailable: Bool {
    switch self {
    case .publicAccess, .jwt, .session, .sessionOrJWT: true
    }
  }
}
