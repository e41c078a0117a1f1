public import Net

/// The outcome of one `accept4`. Immutable.
public enum AcceptResult {
  /// A new connection; the descriptor is already `O_NONBLOCK | O_CLOEXEC`.
  case accepted(fd: Int32, peer: SocketAddress)
  /// The backlog is empty.
  case wouldBlock
  /// `EMFILE`, `ENFILE`, `ENOBUFS`, `ENOMEM`, `EPERM`...: the caller decides (usually: stop
  /// accepting for a moment, because the listener stays readable).
  case failed(Int32)
}
