/// Where an exchange stands. While `.proxying`, the request body may still flow up while the
/// response comes down, so the response half has its own `ResponseStage`.
enum ExchangeState: Equatable {
  /// Waiting for (the rest of) a request head — also between requests on a kept connection.
  case awaitingHead
  /// A request phase waits for an asynchronous answer (a key fetch, a store reply) and runs
  /// again when `Exchange.resume` delivers it. Reading from the client pauses meanwhile.
  case waitingForAnswer(PhaseID)
  /// A request phase asked for the first `bytes` of the body and runs again once they are
  /// buffered (they stay in the buffer and are forwarded as usual).
  case waitingForBody(PhaseID, bytes: Int)
  /// Waiting for the driver to lend an upstream connection.
  case openingUpstream
  /// The head went upstream: the request body flows up, the response comes down.
  case proxying
  /// A local answer is queued; the request's body, if any, is read and dropped.
  case drainingBody
  /// After a `101 Switching Protocols`: bytes flow both ways unparsed.
  case tunnel
  /// The last answer is flushed, then the client's side is half-closed and its input dropped
  /// until it closes or the linger timeout fires.
  case closing
  case closed
}

/// The response half of `.proxying`.
enum ResponseStage: Equatable {
  case awaitingHead
  /// A response phase waits for an asynchronous answer (the session lifecycle's store writes).
  case waitingForAnswer(PhaseID)
  case body
  case done
}
