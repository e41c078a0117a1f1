import EventLoop

/// The readiness an exchange wants from its two sockets.
struct ExchangeInterest: Equatable {
  var client: Interest
  var upstream: Interest
}
