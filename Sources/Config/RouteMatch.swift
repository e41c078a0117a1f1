/// How a route matches the request path: `path_prefix` or exact `path`. Immutable.
public enum RouteMatch: Sendable, Equatable {
  case prefix(String)
  case exact(String)

  /// The configured path, whichever the form.
  public var path: String {
    switch self {
    case .prefix(let path), .exact(let path): path
    }
  }
}
