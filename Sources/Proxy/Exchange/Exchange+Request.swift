import EventLoop
import HTTP1

/// The request half: heads, the request phases, the request body, local answers, and the end of
/// each exchange.
extension Exchange {
  // MARK: Head

  /// `.awaitingHead`: parses the next head at the start of `clientIn`.
  func parseNextRequest() -> Bool {
    guard clientIn.readable > 0 else {
      if clientEOF { close() }
      return false
    }
    if !headStarted {
      headStarted = true
      setDeadline(now &+ context.runtime.headerTimeout, .header)
    }
    let bytes = UnsafeRawBufferPointer(start: clientIn.readPointer, count: clientIn.readable)
    switch parser.parseRequest(bytes, into: &head) {
    case .incomplete:
      if clientEOF {
        close()
      } else if clientIn.readerIndex == 0 && clientIn.writable == 0 {
        rejectHead(HTTPParseError(.headerSectionTooLarge))
        return true
      }
      return false
    case .failed(let error):
      rejectHead(error)
      return true
    case .complete:
      generation &+= 1
      let view = requestView()
      pipeline.beginRequest(&context, view, peer: peer, now: now)
      requestBody = BodyRelay(request: head.framing)
      let rules = context.runtime.hardening
      bodyDeadline = BodyDeadline(start: now, timeout: rules.bodyTimeout, minRate: rules.bodyMinRate)
      runRequestPhases(from: Pipeline.firstRequestPhase, view)
      return true
    }
  }

  /// The head is malformed: answer and close (nothing reaches a phase, let alone the app).
  func rejectHead(_ error: HTTPParseError) {
    pipeline.beginLocalAnswer(&context, peer: peer, now: now)
    pipeline.headRejected(error, context, peer: peer)
    queueLocalAnswer(
      ProxyError(ErrorResponder.kind(for: error), .downstream, error.kind.rawValue), close: true)
    requestBody = BodyRelay()
    clientIn.clear()
    if !isClosed { finishExchange() }
  }

  /// The view of the current head for the phases; `upstreamOut` once an upstream is lent.
  func requestView(upstreamOut: ByteBuffer? = nil) -> RequestView {
    let base = UnsafeRawPointer(clientIn.readPointer)
    let headLength = head.headLength
    return RequestView(
      head: requestHeadAddress, bytes: UnsafeRawBufferPointer(start: base, count: headLength),
      body: UnsafeRawBufferPointer(start: base + headLength, count: clientIn.readable - headLength),
      bodyRoom: clientIn.capacity - headLength, peer: peer.address, now: now, upstreamOut: upstreamOut,
      waker: currentWaker())
  }

  /// The host's waker for the current request.
  @inline(__always)
  func currentWaker() -> Waker {
    var waker = hostWaker!
    waker.generation = generation
    return waker
  }

  // MARK: Request phases

  /// Runs the request phases from `first` up to the upstream peer (or an answer, or a wait).
  func runRequestPhases(from first: PhaseID, _ view: RequestView) {
    switch pipeline.runRequestPhases(from: first, &context, view) {
    case .needsUpstream:
      state = .openingUpstream
      actions.insert(.openUpstream)
    case .answer(let error, let headers):
      respondLocally(error, extraHeaders: headers)
    case .reply(let reply):
      respondLocally(reply)
    case .waitingForAnswer(let phase):
      state = .waitingForAnswer(phase)
    case .waitingForBody(let phase, let bytes):
      state = .waitingForBody(phase, bytes: bytes)
    case .finished:
      preconditionFailure("the request phases end at the upstream peer")
    }
  }

  /// `.waitingForBody`: runs the phase again once the body bytes it asked for are buffered.
  func bodyArrived(for phase: PhaseID, bytes: Int) -> Bool {
    guard clientIn.readable >= head.headLength + bytes else {
      if clientEOF { close() }
      return false
    }
    runRequestPhases(from: phase, requestView())
    return true
  }

  /// An upstream connection was lent: the phases after the upstream peer write the head into
  /// its buffer, then the exchange proxies.
  func sendRequestHead(over link: UpstreamLink) {
    upstream = link
    retried = false
    context.upstreamStartNanos = now
    let view = requestView(upstreamOut: link.output)
    switch pipeline.runRequestPhases(from: Pipeline.firstUpstreamPhase, &context, view) {
    case .finished:
      break
    case .answer(let error, let headers):
      releaseUpstream(reusable: false)
      respondLocally(error, extraHeaders: headers)
      return
    case .needsUpstream, .waitingForAnswer, .waitingForBody, .reply:
      preconditionFailure("phases after the upstream peer answer at once, with an error")
    }
    clientIn.readerIndex += head.headLength
    responseParser.reset()
    responseStage = .awaitingHead
    answerStarted = false
    closeAfterResponse = !head.keepAlive || draining
    state = .proxying
    if link.connecting {
      setDeadline(now &+ context.runtime.connectTimeout, .connect)
    } else {
      setResponseDeadline()
    }
  }

  // MARK: Request body

  /// `.proxying`: moves request body bytes to the upstream.
  func pumpRequestBody() -> Bool {
    guard !requestBody.done, let link = upstream, !link.connecting else { return false }
    let maxBody = context.runtime.maxBodyBytes
    // The link's buffer lent without a retain (`UpstreamLink`: the driver holds it).
    let outcome = Unmanaged.passUnretained(link.output)._withUnsafeGuaranteedRef { output in
      requestBody.relay(from: clientIn, to: output, rechunk: true, inputEnded: false, limit: maxBody)
    }
    switch outcome {
    case .idle:
      return false
    case .moved:
      touchDeadline()
      return true
    case .overLimit:
      failMidRequest(ProxyError(.bodyTooLarge, .downstream, "chunked body over limit"))
      return true
    case .malformed(let error):
      failMidRequest(ProxyError(.badRequest, .downstream, error.kind.rawValue))
      return true
    case .truncated:
      return false
    }
  }

  /// `.drainingBody`: reads and drops the body of a request that was answered locally.
  func drainRequestBody() -> Bool {
    switch requestBody.drain(from: clientIn) {
    case .idle:
      if !requestBody.done && clientEOF { close() }
      return false
    case .dropped:
      return true
    case .stalled:
      return false
    case .abandoned:
      closeAfterResponse = true
      return true
    }
  }

  // MARK: Local answers

  /// Answers the current request without the upstream (its head is still in `clientIn`). A body
  /// small enough is read and dropped so the connection can be kept; otherwise it closes.
  func respondLocally(_ error: ProxyError, extraHeaders: [(String, String)] = []) {
    respondLocally(forceClose: error.kind == .bodyTooLarge) { close in
      queueLocalAnswer(error, close: close, extraHeaders: extraHeaders)
    }
  }

  /// A phase's own answer that is not an error (`PhaseResult.reply`), otherwise as above.
  func respondLocally(_ reply: LocalReply) {
    respondLocally(forceClose: false) { close in
      context.status = reply.status
      guard reply.write(close: close, context: context, headOnly: context.method == .head, into: clientOut)
      else {
        abort()
        return
      }
      answerStarted = true
      closeAfterResponse = closeAfterResponse || close
    }
  }

  private func respondLocally(forceClose: Bool, queue: (_ close: Bool) -> Void) {
    clientIn.readerIndex += head.headLength
    let runtime = context.runtime
    var close = !head.keepAlive || draining || forceClose
    switch requestBody.framing {
    case .length(let length):
      if head.expectContinue || length > runtime.drainLimit { close = true }
    case .chunked:
      if head.expectContinue { close = true }
    case .none, .untilClose:
      break
    }
    queue(close)
    guard !isClosed else { return }
    if close {
      requestBody.done = true
      closeAfterResponse = true
      finishExchange()
    } else {
      requestBody.drainBudget = runtime.drainLimit
      state = .drainingBody
    }
  }

  /// Writes Gatehouse's own answer for `error` into `clientOut` (`failToProxy`).
  func queueLocalAnswer(_ error: ProxyError, close: Bool, extraHeaders: [(String, String)] = []) {
    context.error = error
    context.status = error.status
    guard
      LocalResponse.write(
        status: error.status, code: error.kind.rawValue, message: ErrorResponder.message(for: error),
        close: close, context: context, runtime: context.runtime, extraHeaders: extraHeaders,
        headOnly: context.method == .head, into: clientOut)
    else {
      abort()
      return
    }
    answerStarted = true
    closeAfterResponse = closeAfterResponse || close
  }

  // MARK: End of an exchange

  /// The request is complete (answered, and its body read): log it, then wait for the next
  /// request or close.
  func finishExchange() {
    context.bytesIn = requestBody.bytes
    pipeline.finish(&context, now: now)
    parser.reset()
    headStarted = false
    requestBody = BodyRelay()
    if closeAfterResponse || draining {
      state = .closing
      setDeadline(now &+ context.runtime.lingerTimeout, .linger)
      return
    }
    state = .awaitingHead
    setDeadline(now &+ context.runtime.idleTimeout, .idle)
  }
}
