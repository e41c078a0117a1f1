/// Which limit the exchange's one deadline stands for (the `kind` label of
/// `gatehouse_timeouts_total`).
enum TimeoutKind {
  /// `header_timeout`: a request head started and did not complete (or a phase waited too long).
  case header
  /// `idle_timeout` between requests on a kept connection.
  case idle
  /// `connect_timeout` for a fresh upstream connection.
  case connect
  /// `response_timeout`: no progress on the upstream's response (reset by every byte moved).
  case response
  /// `body_timeout`/`body_min_rate`: the request body arrives too slowly (`BodyDeadline`).
  case body
  /// `idle_timeout` applied to a WebSocket tunnel with no traffic.
  case tunnel
  /// The short wait for the client to close after our last answer and half-close.
  case linger
}

/// The exchange's one deadline: when (loop time, ns) and what for. The driver keeps one loop
/// timer, re-armed lazily: it arms earlier when the deadline moves earlier, and when the timer
/// fires before a deadline that moved later the exchange just reports the new one.
struct Deadline: Equatable {
  var at: UInt64 = 0
  var kind: TimeoutKind = .header
}

extension Exchange {
  func setDeadline(_ at: UInt64, _ kind: TimeoutKind) {
    timeout = Deadline(at: at, kind: kind)
  }

  /// Progress pushes the running timeout out: the response timeout measures silence, not the
  /// whole response; the tunnel closes after `idle_timeout` without traffic. Header, idle and
  /// linger timeouts are not moved by progress.
  func touchDeadline() {
    switch timeout.kind {
    case .connect, .response, .body:
      if upstream?.connecting == true { return }
      setResponseDeadline()
    case .tunnel:
      timeout.at = now &+ context.runtime.idleTimeout
    case .header, .idle, .linger:
      break
    }
  }

  /// `response_timeout` from now — or, while the request body is still arriving, its
  /// `BodyDeadline` when that comes first: progress never pushes a slow body's end out.
  func setResponseDeadline() {
    setDeadline(now &+ context.runtime.responseTimeout, .response)
    guard !requestBody.done else { return }
    let bodyEnd = bodyDeadline.deadline(received: requestBody.bytes)
    if bodyEnd < timeout.at { setDeadline(bodyEnd, .body) }
  }

  /// The deadline passed: answer or close, per timeout.
  func timedOut() {
    if timeout.kind == .body && (clientIn.readable > 0 || (upstream?.output.readable ?? 0) > 0) {
      // Body bytes wait here for the upstream to take them: the upstream is the slow side, and
      // `response_timeout` (silence) is its limit, not the body's deadline.
      setDeadline(now &+ context.runtime.responseTimeout, .response)
      return
    }
    pipeline.timedOut(timeout.kind)
    switch timeout.kind {
    case .header:
      if case .awaitingHead = state, headStarted, clientIn.readable > 0 {
        pipeline.beginLocalAnswer(&context, peer: peer, now: now)
        queueLocalAnswer(ProxyError(.headerTimeout, .downstream, "header timeout"), close: true)
        clientIn.clear()
        if !isClosed { finishExchange() }
      } else {
        close()
      }
    case .idle, .linger:
      close()
    case .connect:
      connectFailed("connect timeout", headInBuffer: false)
    case .response:
      if !requestBody.done && clientIn.readable == 0 && (upstream?.output.readable ?? 0) == 0 {
        // The client stopped sending its body: its fault, not the upstream's.
        context.error = ProxyError(.headerTimeout, .downstream, "request body timeout")
        abort()
      } else {
        releaseUpstream(reusable: false)
        answerAfterHeadSent(ProxyError(.upstreamTimeout, .upstream, "no response within response_timeout"))
      }
    case .body:
      // The client's fault: 408 if nothing was answered yet; the upstream saw a partial body.
      releaseUpstream(reusable: false)
      answerAfterHeadSent(ProxyError(.headerTimeout, .downstream, "request body too slow"))
    case .tunnel:
      abort()
    }
  }
}
