/// `[[route]] on_unauthenticated`: how a session route answers a request without a valid session.
public enum UnauthenticatedAction: String, Sendable, Equatable {
  /// Browser navigations (GET/HEAD accepting `text/html`) are redirected to `login_url`;
  /// everything else gets 401 JSON.
  case auto
  /// Always redirect (GET/HEAD only; other methods still get 401).
  case redirect
  /// Always 401 JSON (APIs).
  case deny
}
