/// The owner of an exchange (its driver): where the answer of a waiting phase comes back. The
/// host feeds it to `Exchange.resume` and carries out the actions. Loop-thread only.
protocol ExchangeHost: AnyObject {
  func resume(generation: Int, _ deliver: (inout RequestContext) -> Void)
}

/// How a phase that waits hands its answer back: `callback` makes the closure to give the
/// service it waits on (authenticator, session lifecycle). When the service calls it — later, on
/// this loop thread — the answer is stored into the request's context and the exchange runs the
/// waiting phase again. An answer for a request that is gone (the client closed, or the
/// connection moved on) is dropped. Loop-thread only.
struct Waker {
  /// Unowned: a waker lives only as long as the phase call it is given to. The callback holds
  /// the host strongly, so a connection stays alive until its pending answers have come back.
  unowned(unsafe) let host: any ExchangeHost
  /// The exchange's request counter when the phase ran.
  var generation: Int

  func callback<Answer>(_ store: @escaping (Answer, inout RequestContext) -> Void) -> (Answer) -> Void {
    let host: any ExchangeHost = self.host
    let generation = self.generation
    return { answer in
      host.resume(generation: generation) { store(answer, &$0) }
    }
  }
}
