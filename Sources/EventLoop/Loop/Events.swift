/// The readiness reported for one registration by one `epoll_wait`. Immutable.
///
/// Error and hang-up are reported whatever the interest; a handler that sees `isError` reads
/// the cause with `Socket.pendingError` (connects) or gets it from its next read or write.
public struct Events: Sendable {
  /// The kernel's `epoll_event.events` bits.
  public let raw: UInt32

  public init(raw: UInt32) { self.raw = raw }

  /// `EPOLLIN`.
  @inline(__always) public var isReadable: Bool { raw & 0x001 != 0 }
  /// `EPOLLOUT`.
  @inline(__always) public var isWritable: Bool { raw & 0x004 != 0 }
  /// `EPOLLERR`.
  @inline(__always) public var isError: Bool { raw & 0x008 != 0 }
  /// `EPOLLHUP`: both directions are closed (or a connect was refused).
  @inline(__always) public var isHangup: Bool { raw & 0x010 != 0 }
}
