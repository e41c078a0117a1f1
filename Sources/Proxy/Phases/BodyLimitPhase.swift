/// Request phase 5: a declared body over `[limits] max_body_bytes` is refused (413) before the
/// route is even looked up. Chunked bodies are counted as they stream (`BodyRelay`). Immutable.
struct BodyLimitPhase: RequestPhase {
  func run(_ request: inout RequestContext, _ view: RequestView) -> PhaseResult {
    let limit = request.runtime.maxBodyBytes
    if case .contentLength(let length) = view.head.framing, limit > 0 && length > limit {
      return .answer(ProxyError(.bodyTooLarge, .downstream, "content-length \(length)"))
    }
    return .proceed
  }
}
