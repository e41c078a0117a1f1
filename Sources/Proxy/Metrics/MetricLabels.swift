import Config
import HTTP1

/// The bounded label values of Gatehouse's metric families. Immutable.
///
/// `method_class`: `read` (GET, HEAD, OPTIONS: what a cache or a retry may repeat), `write`
/// (POST, PUT, PATCH, DELETE), `other` (TRACE, CONNECT, extension methods). `status_class`:
/// `1xx`…`5xx`; a request that ended without a status (client gone) was logged as 499 and
/// counts as `4xx`; a status outside 100–599 (a bug) counts as `5xx`.
enum MetricLabels {
  static let methodClasses = ["read", "write", "other"]
  static let statusClasses = ["1xx", "2xx", "3xx", "4xx", "5xx"]

  @inline(__always)
  static func methodClass(_ method: HTTPMethod) -> Int {
    switch method {
    case .get, .head, .options: return 0
    case .post, .put, .patch, .delete: return 1
    case .trace, .connect, .other: return 2
    }
  }

  @inline(__always)
  static func statusClass(_ status: Int) -> Int {
    let hundreds = status / 100
    if hundreds < 1 { return 4 }
    if hundreds > 5 { return 4 }
    return hundreds - 1
  }

  /// `reason` label of `gatehouse_parse_rejections_total`: every `HTTPParseError.Kind`, then
  /// the proxy's own body rejections.
  static let parseReasons: [String] =
    HTTPParseError.Kind.allCases.map(\.rawValue) + ["body_too_large", "other"]

  /// Index into `parseReasons` of a reason string (an `HTTPParseError.Kind` raw value or a
  /// `ProxyError` detail). Not on the hot path: only rejected requests get here.
  static func parseReasonIndex(_ reason: String) -> Int {
    if let kind = HTTPParseError.Kind(rawValue: reason),
      let index = HTTPParseError.Kind.allCases.firstIndex(of: kind)
    {
      return index
    }
    if reason.contains("over limit") || reason.hasPrefix("content-length") {
      return HTTPParseError.Kind.allCases.count
    }
    return HTTPParseError.Kind.allCases.count + 1
  }

  /// `kind` label of `gatehouse_timeouts_total`, in `TimeoutKind` order.
  static let timeoutKinds = ["header", "idle", "connect", "response", "tunnel", "linger", "body"]

  static func timeoutIndex(_ kind: TimeoutKind) -> Int {
    switch kind {
    case .header: return 0
    case .idle: return 1
    case .connect: return 2
    case .response: return 3
    case .tunnel: return 4
    case .linger: return 5
    case .body: return 6
    }
  }

  /// `reason` label of `gatehouse_auth_failures_total`: requests Gatehouse itself refused for
  /// authentication (a 401 or 403 from the app is the app's business and not counted).
  static let authFailureReasons = ["unauthenticated", "login_required", "forbidden", "csrf"]

  static func authFailureIndex(_ kind: ProxyError.Kind) -> Int? {
    switch kind {
    case .unauthorized: return 0
    case .loginRequired: return 1
    case .forbidden: return 2
    case .csrfFailed: return 3
    default: return nil
    }
  }

  /// `category` label of `gatehouse_cookies_rewritten_total` (`unknown`: no rule names the cookie).
  static let cookieCategories = ["essential", "functional", "analytics", "marketing", "unknown"]
  /// `action` label of `gatehouse_cookies_rewritten_total`, in `CookieAction` order.
  static let cookieActions = [
    "rewritten", "dropped_no_consent", "dropped_unparsable", "dropped_unknown", "stripped_request",
  ]

  static func cookieCategoryIndex(_ category: CookiePolicySettings.Category?) -> Int {
    switch category {
    case .essential?: return 0
    case .functional?: return 1
    case .analytics?: return 2
    case .marketing?: return 3
    case nil: return 4
    }
  }
}
