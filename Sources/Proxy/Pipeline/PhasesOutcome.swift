/// Where a run of phases stopped.
enum PhasesOutcome {
  /// Every phase of the list proceeded.
  case finished
  /// The request filter is through: lend an upstream connection, then run from `firstUpstreamPhase`.
  case needsUpstream
  /// A phase answers instead of the upstream (its error decides the status).
  case answer(ProxyError, headers: [(String, String)])
  /// A phase answers with its own response (not an error: the consent endpoint).
  case reply(LocalReply)
  /// A phase waits for an asynchronous answer; it runs again when the answer is delivered.
  case waitingForAnswer(PhaseID)
  /// A phase waits for the first `bytes` of the request body to be buffered.
  case waitingForBody(PhaseID, bytes: Int)

  /// Nil when the phase proceeded.
  init?(_ result: PhaseResult, at phase: PhaseID) {
    switch result {
    case .proceed: return nil
    case .answer(let error, let headers): self = .answer(error, headers: headers)
    case .reply(let reply): self = .reply(reply)
    case .wait: self = .waitingForAnswer(phase)
    case .needBody(let bytes): self = .waitingForBody(phase, bytes: bytes)
    }
  }
}
