/// How the body of a message is delimited (RFC 9112 §6.3). Immutable value.
///
/// A request never gets `.untilClose` (a request without Content-Length or chunked has no body).
/// `.contentLength(0)` is kept distinct from `.none` so the proxy can forward the field as received.
public enum BodyFraming: Equatable, Sendable {
  case none
  case contentLength(Int64)
  case chunked
  case untilClose
}
