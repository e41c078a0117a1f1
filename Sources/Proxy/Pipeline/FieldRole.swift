/// What one request header field is to Gatehouse, decided once by `StripPhase` (one byte per
/// field in `HeaderIndex`). The role decides who may read the field and what the app receives:
///
/// | role | later phases read it | the app receives it |
/// |---|---|---|
/// | `other`, `host`, `userAgent`, `origin`, `secFetchSite`, `contentType`, `accept`, `authorization`, `cookie` | yes | as sent (`authorization` unless the JWT grant drops it; `cookie` without the session cookie) |
/// | `forwardedFor`, `forwardedProto`, `forwardedHost` | only from a trusted proxy | Gatehouse's own value |
/// | `traceparent`, `tracestate`, `requestID` | the trace phase | Gatehouse's own value (`tracestate` as sent with a valid `traceparent`) |
/// | `csrfToken` | the CSRF check only | never (Gatehouse injects its own) |
/// | `methodOverride` | the method-override check | as sent (`strip_method_override = false`) |
/// | `methodOverrideStripped` | the method-override check | never |
/// | `stripped` | nobody | never |
///
/// Fields the parser flagged hop-by-hop (and those `Connection` nominates) are never forwarded
/// as sent, whatever their role.
enum FieldRole: UInt8, Equatable {
  case other
  case authorization, cookie, host, userAgent, origin, secFetchSite, contentType, accept
  case forwardedFor, forwardedProto, forwardedHost
  case traceparent, tracestate, requestID
  /// The session CSRF header: on the strip list because Gatehouse sends the app its own copy,
  /// but the client's value is what the CSRF check compares.
  case csrfToken
  /// `[headers] method_override_headers` (`X-HTTP-Method-Override`, …): read by the
  /// method-override phase (an unsafe method there makes the request unsafe for CSRF), forwarded
  /// or dropped per `strip_method_override`.
  case methodOverride, methodOverrideStripped
  /// On the strip list (identity claims and control headers a client must not set).
  case stripped

  /// What the strip decision means for the field.
  var disposition: FieldDisposition {
    switch self {
    case .stripped: return .drop
    case .csrfToken, .methodOverrideStripped: return .dropReadable
    case .forwardedFor, .forwardedProto, .forwardedHost, .traceparent, .tracestate, .requestID:
      return .replace
    case .other, .authorization, .cookie, .host, .userAgent, .origin, .secFetchSite, .contentType, .accept,
      .methodOverride:
      return .forward
    }
  }
}
