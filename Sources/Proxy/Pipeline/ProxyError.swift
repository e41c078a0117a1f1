/// Why a request did not get a normal upstream response. Errors remember their source, as in
/// Pingora: the client (downstream), the upstream, or Gatehouse itself. `ErrorResponder` is the
/// one place that maps a kind to a status code. Immutable.
public struct ProxyError: Error, Sendable, CustomStringConvertible {
  public enum Source: String, Sendable { case downstream, upstream, `internal` }

  public enum Kind: String, Sendable {
    /// The request was malformed (the parser's kind is in `detail`).
    case badRequest = "bad_request"
    case requestLineTooLong = "uri_too_long"
    case headersTooLarge = "request_header_fields_too_large"
    case notImplemented = "not_implemented"
    /// A method on `[limits] refused_methods` (TRACE, TRACK).
    case methodRefused = "method_refused"
    case versionNotSupported = "http_version_not_supported"
    case expectationFailed = "expectation_failed"
    case bodyTooLarge = "payload_too_large"
    case headerTimeout = "request_timeout"
    /// No route matched, or the route's policy refused the request.
    case unauthorized
    /// A browser navigation without a session: redirected to the login page.
    case loginRequired = "login_required"
    case forbidden
    case csrfFailed = "csrf_failed"
    /// `on_limit = "reject_new"` and the user already has `max_per_user` sessions.
    case sessionLimit = "session_limit"
    case storeUnavailable = "session_store_unavailable"
    /// A logout or revocation the store did not write (the session lives on there).
    case sessionWriteFailed = "session_write_failed"
    case upstreamConnectFailed = "bad_gateway"
    case upstreamTimeout = "gateway_timeout"
    case upstreamProtocol = "bad_gateway_protocol"
    case upstreamClosed = "upstream_closed"
    case overloaded = "service_unavailable"
  }

  public let kind: Kind
  public let source: Source
  public let detail: String

  public init(_ kind: Kind, _ source: Source, _ detail: String = "") {
    self.kind = kind
    self.source = source
    self.detail = detail
  }

  /// The status a client sees for this error.
  public var status: Int {
    switch kind {
    case .badRequest: return 400
    case .requestLineTooLong: return 414
    case .headersTooLarge: return 431
    case .notImplemented, .methodRefused: return 501
    case .versionNotSupported: return 505
    case .expectationFailed: return 417
    case .bodyTooLarge: return 413
    case .headerTimeout: return 408
    case .unauthorized: return 401
    case .loginRequired: return 302
    case .forbidden, .csrfFailed, .sessionLimit: return 403
    case .storeUnavailable, .sessionWriteFailed: return 503
    case .upstreamConnectFailed, .upstreamProtocol, .upstreamClosed: return 502
    case .upstreamTimeout: return 504
    case .overloaded: return 503
    }
  }

  public var description: String {
    detail.isEmpty
      ? "\(source.rawValue): \(kind.rawValue)" : "\(source.rawValue): \(kind.rawValue) (\(detail))"
  }
}
