/// The outcome of one non-blocking read or write. `EINTR` has already been retried; `EAGAIN`
/// is the value `.wouldBlock`, not an error, because on a non-blocking socket it is the normal
/// end of a readiness event. Immutable.
public enum IOStatus: Equatable, Sendable {
  /// This many bytes were transferred; always > 0.
  case bytes(Int)
  /// The peer closed its side (read returned 0).
  case eof
  /// The socket is not ready; wait for the next readiness event.
  case wouldBlock
  /// The call failed with this errno (`ECONNRESET`, `EPIPE`, ...).
  case failed(Int32)
}
