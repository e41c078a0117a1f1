import HTTP1

/// One admin request as `AdminEndpoints` needs it: the target split into path and query, and
/// the few header fields the admin API reads, copied out of the connection's buffer in one
/// pass (`AdminConnection`). Several `Cookie` fields are joined with "; ". Immutable.
struct AdminRequest: Sendable {
  var method: HTTPMethod
  /// Without the query.
  var path: [UInt8]
  var query: [UInt8] = []
  /// The raw `Authorization` value.
  var authorization: [UInt8]? = nil
  /// The raw `Cookie` value.
  var cookie: [UInt8]? = nil
  /// `X-CSRF-Token`: what a signed-in dashboard sends on state-changing requests.
  var csrfToken: [UInt8]? = nil
  /// `Sec-Fetch-Site` (sent by browsers): a `cross-site` request is never served from a cookie.
  var fetchSite: [UInt8]? = nil
  /// The request body: empty except for an endpoint that takes one (`PUT /migration`).
  var body: [UInt8] = []

  var pathText: String { String(decoding: path, as: UTF8.self) }

  /// GET, HEAD and OPTIONS change nothing; everything else needs the CSRF token when the
  /// caller is a browser signed in by cookie.
  var isStateChanging: Bool { method != .get && method != .head && method != .options }
}
