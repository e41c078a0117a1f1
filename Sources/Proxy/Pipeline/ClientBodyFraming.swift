/// How a response body travels to the client.
enum ClientBodyFraming: Equatable {
  /// No body (HEAD, 1xx, 204, 304).
  case none
  case contentLength(Int64)
  /// Re-chunked: the upstream sent chunked, or close-delimited to an HTTP/1.1 client.
  case chunked
  /// Raw until close: an HTTP/1.0 client; the connection closes after the body.
  case untilClose
}
