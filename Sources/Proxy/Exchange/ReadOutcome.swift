/// What the one read of a readiness event brought, as an exchange needs to know it.
enum ReadOutcome: Equatable {
  /// Bytes were appended to the buffer.
  case bytes
  /// Nothing (the socket was not ready, or the buffer had no room).
  case nothing
  /// The peer closed its side.
  case endOfStream
  /// The read failed (connection reset, ...).
  case failed
}
