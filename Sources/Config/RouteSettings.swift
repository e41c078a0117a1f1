/// One `[[route]]`. Routes are tried in file order; a path no route matches is denied by the
/// proxy, so there is no implicit default route. Immutable.
public struct RouteSettings: Sendable, Equatable {
  /// From the file, or "route<N>" (N counts routes from 1).
  public let name: String
  public let match: RouteMatch
  /// Upper-case method tokens; empty means any method.
  public let methods: [String]
  public let auth: AuthPolicy

  /// What an unauthenticated request on a session route gets.
  public let onUnauthenticated: UnauthenticatedAction
  /// What an authenticated caller must carry (`require`); nil: authentication is enough.
  public let require: AccessRule?

  public init(
    name: String, match: RouteMatch, methods: [String] = [], auth: AuthPolicy,
    onUnauthenticated: UnauthenticatedAction = .auto, require: AccessRule? = nil
  ) {
    self.require = require
    self.onUnauthenticated = onUnauthenticated
    self.name = name
    self.match = match
    self.methods = methods
    self.auth = auth
  }
}
