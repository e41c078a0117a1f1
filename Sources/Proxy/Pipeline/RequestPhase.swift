/// One step of the request's way in (see `Pipeline` for the order). A phase reads the head
/// through `view` (and the header index in `request.headers`), records what it decided in
/// `request`, and says how the request goes on. Phases hold configuration and services only;
/// whatever belongs to one request lives in its `RequestContext`. Loop-thread only.
///
/// A phase that returns `.wait` or `.needBody` runs again later with the same context: it finds
/// its answer (stored there by its `Waker` callback) or the body bytes (`view.body`) and goes on.
protocol RequestPhase {
  func run(_ request: inout RequestContext, _ view: RequestView) -> PhaseResult
}

/// One step of the response's way out (see `Pipeline`). Same rules as `RequestPhase`; a
/// response phase may wait for an answer, never for a body.
protocol ResponsePhase {
  func run(_ request: inout RequestContext, _ view: ResponseView) -> PhaseResult
}

/// How the request goes on after a phase.
enum PhaseResult {
  /// On to the next phase.
  case proceed
  /// Gatehouse answers instead of the upstream: `error` decides the status (`ErrorResponder`),
  /// `headers` go on the answer (`WWW-Authenticate`, `Location`, a deletion `Set-Cookie`).
  case answer(ProxyError, headers: [(String, String)] = [])
  /// Gatehouse answers with a response of the phase's own that is not an error (a reserved
  /// endpoint such as the consent endpoint). Request phases before the upstream peer only.
  case reply(LocalReply)
  /// The phase handed a `view.waker` callback to a service and waits for its answer.
  case wait
  /// The phase needs the first `bytes` of the request body in the buffer (at most `view.bodyRoom`).
  case needBody(Int)
}
