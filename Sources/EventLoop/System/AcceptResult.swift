import Glibc
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

extension AcceptResult {
  /// `EMFILE`, `ENFILE`, `ENOBUFS`, `ENOMEM`: the process or the system is out of descriptors or
  /// memory. The listener stays readable, so accepting again at once would spin.
  public var isResourceShortage: Bool {
    guard case .failed(let code) = self else { return false }
    return code == EMFILE || code == ENFILE || code == ENOBUFS || code == ENOMEM
  }
}
