import EventLoop
import HTTP1

/// What the exchange tells the worker besides running phases: the start of each request's
/// context, and the protocol events that only metrics and logs care about.
extension Pipeline {
  /// A request head is complete: a fresh context under the worker's current configuration.
  func beginRequest(_ request: inout RequestContext, _ view: RequestView, peer: Peer, now: UInt64) {
    let runtime = self.runtime
    request.restart(runtime: runtime)
    request.active = true
    request.startNanos = now
    request.startWallNanos = clock.wallNanos()
    request.method = view.head.method
    request.clientHTTP10 = view.head.versionMinor == 0
    request.peerText = peer.text
    request.peerIP = peer.address.ip
    if runtime.accessLog {
      request.methodText = String(decoding: view.methodName, as: UTF8.self)
      request.pathText = String(decoding: runtime.logQuery ? view.target : view.path, as: UTF8.self)
    }
    metrics.requestStarted()
  }

  /// A context for an answer given before any head was parsed (a rejected head, the header
  /// timeout): fresh ids, the configuration of the request before.
  func beginLocalAnswer(_ request: inout RequestContext, peer: Peer, now: UInt64) {
    request.restart(runtime: request.runtime)
    request.active = true
    request.startNanos = now
    request.startWallNanos = clock.wallNanos()
    request.generatedRequestID = (trace.ids.next(), trace.ids.next())
    request.traceHigh = trace.ids.nextNonZero()
    request.traceLow = trace.ids.next()
    request.spanID = trace.ids.nextNonZero()
    request.peerText = peer.text
    request.peerIP = peer.address.ip
  }

  func headRejected(_ error: HTTPParseError, _ request: RequestContext, peer: Peer) {
    metrics.parseRejected(error.kind.rawValue)
    worker.logSecurityEvent(
      "rejected_request", context: request, peer: peer.address, reason: error.kind.rawValue)
  }

  /// The client broke its body's framing or limit after the head went upstream.
  func bodyRejected(_ detail: String) {
    metrics.parseRejected(detail)
  }

  func upstreamConnected(after nanos: UInt64) {
    metrics.upstreamConnected(nanos: nanos)
  }

  func upstreamConnectFailed(_ detail: String) {
    metrics.upstreamConnectFailed()
    worker.log.warning(
      "upstream connect failed", metadata: ["error": "\(detail)", "upstream": "\(worker.pool.address)"])
  }

  func upstreamRetried() {
    metrics.upstreamRetried()
  }

  func timedOut(_ kind: TimeoutKind) {
    metrics.timedOut(kind)
  }
}
