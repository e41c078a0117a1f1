/// The framing decisions for a final response head, made before the response phases run.
struct ResponsePlan {
  var framing: ClientBodyFraming = .none
  /// The client connection closes after this response (`connection: close` is written).
  var close = false
  /// Keep `Content-Length` of a body-less response (HEAD, 304): it describes the resource.
  var keepSizeField = false
}
