/// What goes wrong on the way, and how each failure ends the exchange (Pingora's `failToProxy`;
/// `ErrorResponder` turns the error into the status and the text).
extension Exchange {
  /// An error after the head went upstream: answer if nothing was answered yet, and close the
  /// client unless the request body is complete (otherwise its tail could look like a request).
  func answerAfterHeadSent(_ error: ProxyError, extraHeaders: [(String, String)] = []) {
    if answerStarted {
      context.error = error
      abort()
      return
    }
    let close = !requestBody.done || !head.keepAlive
    requestBody.done = true
    queueLocalAnswer(error, close: close, extraHeaders: extraHeaders)
    if !isClosed { finishExchange() }
  }

  /// No upstream connection: 502. `headInBuffer`: the head was not sent yet (answered like a
  /// phase's answer); otherwise it went into the lent connection's buffer.
  func connectFailed(_ detail: String, headInBuffer: Bool) {
    pipeline.upstreamConnectFailed(detail)
    releaseUpstream(reusable: false)
    let error = ProxyError(.upstreamConnectFailed, .upstream, detail)
    if headInBuffer {
      respondLocally(error)
    } else {
      answerAfterHeadSent(error)
    }
  }

  /// The upstream closed (or failed) before any response head.
  func upstreamFailedBeforeResponse() {
    guard let link = upstream else { return }
    // A pooled connection that the upstream had closed before our bytes reached it: the request
    // was never seen, so it is safe to send it again on a fresh connection, once.
    if link.reused && link.bytesWritten == 0 && !retried {
      actions.insert(.retryUpstream)
      return
    }
    releaseUpstream(reusable: false)
    answerAfterHeadSent(ProxyError(.upstreamClosed, .upstream, "upstream closed before responding"))
  }

  /// A write to the upstream failed.
  func upstreamWriteFailed() {
    switch state {
    case .proxying where responseStage == .awaitingHead || isWaitingForResponsePhase:
      upstream?.ended = true
      upstreamFailedBeforeResponse()
    case .tunnel:
      upstream?.ended = true
      tunnel.upstreamShut = true
    default:
      upstreamTruncated()
    }
  }

  private var isWaitingForResponsePhase: Bool {
    if case .waitingForAnswer = responseStage { return true }
    return false
  }

  func upstreamProtocolFailure(_ detail: String) {
    releaseUpstream(reusable: false)
    answerAfterHeadSent(ProxyError(.upstreamProtocol, .upstream, detail))
  }

  /// The upstream closed in the middle of a body: the client must not see a message that looks
  /// complete, so its connection is closed at once.
  func upstreamTruncated() {
    context.error = ProxyError(.upstreamClosed, .upstream, "upstream closed mid-response")
    releaseUpstream(reusable: false)
    abort()
  }

  /// The client broke its body's framing (or limit) after the head went upstream: the upstream
  /// connection cannot be reused; the client gets an error if nothing was answered yet, and
  /// both close.
  func failMidRequest(_ error: ProxyError) {
    pipeline.bodyRejected(error.detail)
    releaseUpstream(reusable: false)
    requestBody.done = true
    if answerStarted {
      context.error = error
      abort()
    } else {
      queueLocalAnswer(error, close: true)
      guard !isClosed else { return }
      state = .closing
      setDeadline(now &+ context.runtime.lingerTimeout, .linger)
    }
  }

  func releaseUpstream(reusable: Bool) {
    guard upstream != nil else { return }
    upstream = nil
    actions.insert(reusable ? [.releaseUpstream, .upstreamReusable] : .releaseUpstream)
  }

  /// Immediate close of the client and the exchange's upstream connection.
  func abort() {
    releaseUpstream(reusable: false)
    close()
  }

  /// Ends the connection; a request still in progress is logged (499 if it got no answer).
  func close() {
    guard !isClosed else { return }
    if context.active {
      context.bytesIn = requestBody.bytes
      if context.status == 0 { context.status = 499 }
      pipeline.finish(&context, now: now)
    }
    state = .closed
    releaseUpstream(reusable: false)
    actions.insert(.close)
  }
}
