import EventLoop

/// Whoever an upstream connection is lent to (the client connection's driver) hears from it
/// through these calls only; nobody else touches the connection's socket. Loop-thread only.
protocol UpstreamConnectionOwner: AnyObject {
  /// A readiness event: `justConnected` when it completed the non-blocking connect; `read` is
  /// what the event's one read brought into the connection's input buffer.
  func upstreamReady(justConnected: Bool, read: ReadOutcome)
  /// The non-blocking connect failed.
  func upstreamConnectFailed(_ error: SystemError)
}
