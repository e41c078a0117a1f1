import HTTP1

/// `failToProxy`: the one place that turns parse errors into proxy errors and errors into the
/// text a client sees. Status codes come from `ProxyError.status`.
enum ErrorResponder {
  static func kind(for error: HTTPParseError) -> ProxyError.Kind {
    switch error.status {
    case 414: return .requestLineTooLong
    case 431: return .headersTooLarge
    case 501: return .notImplemented
    case 505: return .versionNotSupported
    case 417: return .expectationFailed
    default: return .badRequest
    }
  }

  /// A short, fixed message per kind: never echoes client input.
  static func message(for error: ProxyError) -> String {
    switch error.kind {
    case .badRequest: return "malformed request"
    case .requestLineTooLong: return "request line too long"
    case .headersTooLarge: return "header section too large"
    case .notImplemented: return "transfer coding not implemented"
    case .methodRefused: return "method not allowed here"
    case .versionNotSupported: return "HTTP version not supported"
    case .expectationFailed: return "expectation not supported"
    case .bodyTooLarge: return "request body too large"
    case .headerTimeout: return "request not received in time"
    case .unauthorized: return "authentication required"
    case .forbidden: return "forbidden"
    case .loginRequired: return "login required"
    case .csrfFailed: return "CSRF check failed"
    case .sessionLimit: return "too many sessions for this user"
    case .storeUnavailable: return "session store unavailable"
    case .sessionWriteFailed: return "session change not saved, try again"
    case .upstreamConnectFailed: return "upstream unavailable"
    case .upstreamTimeout: return "upstream did not respond in time"
    case .upstreamProtocol: return "upstream sent an invalid response"
    case .upstreamClosed: return "upstream closed the connection"
    case .overloaded: return "service unavailable"
    }
  }
}
