/// What a registration waits for. Level-triggered: while the condition holds, every
/// `epoll_wait` reports it again. Immutable.
///
/// The raw values are the kernel's `EPOLLIN` and `EPOLLOUT` (checked by a test), written as
/// literals so that reading them on the hot path costs no lazy-global access; computed and
/// inlinable, so another module does not call an addressor for them either.
public struct Interest: OptionSet, Sendable {
  public let rawValue: UInt32
  @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }

  /// `EPOLLIN`: bytes to read, a connection to accept, or end of file.
  @inlinable public static var read: Interest { Interest(rawValue: 0x001) }
  /// `EPOLLOUT`: room in the send buffer, or a non-blocking connect finished.
  @inlinable public static var write: Interest { Interest(rawValue: 0x004) }
}
