import EventLoop
import HTTP1

/// The response half of `.proxying`: the upstream's head through the response phases, its body
/// to the client, and the end of the exchange.
extension Exchange {
  /// Parses the upstream's next head, or moves body bytes once it is through.
  func pumpResponse() -> Bool {
    guard let link = upstream, !link.connecting else { return false }
    switch responseStage {
    case .body: return pumpResponseBody(from: link)
    case .done, .waitingForAnswer: return false
    case .awaitingHead: break
    }
    // The link's buffer lent without a retain (`UpstreamLink`: the driver holds it).
    return Unmanaged.passUnretained(link.input)._withUnsafeGuaranteedRef { parseResponse(link, $0) }
  }

  /// Parses the upstream's head in `input` (the link's) and runs the response phases once it is
  /// complete.
  private func parseResponse(_ link: UpstreamLink, _ input: ByteBuffer) -> Bool {
    guard input.readable > 0 else {
      if link.ended {
        upstreamFailedBeforeResponse()
        return true
      }
      return false
    }
    let bytes = UnsafeRawBufferPointer(start: input.readPointer, count: input.readable)
    switch responseParser.parseResponse(bytes, requestMethod: head.method, into: &responseHead) {
    case .incomplete:
      if link.ended || (input.readerIndex == 0 && input.writable == 0) {
        upstreamProtocolFailure("incomplete response head")
        return true
      }
      return false
    case .failed(let error):
      upstreamProtocolFailure(error.kind.rawValue)
      return true
    case .complete:
      return beginResponse(from: Pipeline.firstResponsePhase)
    }
  }

  /// A complete response head: runs the response phases from `first`, then relays an interim
  /// head (1xx), starts the tunnel (101) or sets up the body. False while a phase waits.
  func beginResponse(from first: PhaseID) -> Bool {
    guard let link = upstream else { return false }
    let status = responseHead.status
    let kind: ResponseView.Kind
    if status == 101 {
      guard head.upgrade else {
        upstreamProtocolFailure("101 without an upgrade request")
        return true
      }
      kind = .switchingProtocols
    } else {
      kind = status < 200 ? .interim : .final
    }
    let plan = kind == .final ? responsePlan() : ResponsePlan()
    let readPointer = Unmanaged.passUnretained(link.input)._withUnsafeGuaranteedRef { $0.readPointer }
    let view = ResponseView(
      head: responseHeadAddress,
      bytes: UnsafeRawBufferPointer(start: readPointer, count: responseHead.headLength),
      kind: kind, framing: plan.framing, close: plan.close, keepSizeField: plan.keepSizeField, now: now,
      clientOut: clientOut, waker: currentWaker())
    switch pipeline.runResponsePhases(from: first, &context, view) {
    case .finished:
      break
    case .answer(let error, let headers):
      releaseUpstream(reusable: false)
      answerAfterHeadSent(error, extraHeaders: headers)
      return true
    case .waitingForAnswer(let phase):
      responseStage = .waitingForAnswer(phase)
      return false
    case .needsUpstream, .waitingForBody, .reply:
      preconditionFailure("response phases answer at once with an error or wait for an answer")
    }
    let headLength = responseHead.headLength
    Unmanaged.passUnretained(link.input)._withUnsafeGuaranteedRef { $0.readerIndex += headLength }
    switch kind {
    case .interim:
      // 100 Continue, 103 Early Hints: relayed as they come; the final head follows.
      responseParser.reset()
    case .switchingProtocols:
      answerStarted = true
      requestBody.done = true
      state = .tunnel
      setDeadline(now &+ context.runtime.idleTimeout, .tunnel)
    case .final:
      responseBody = BodyRelay(response: responseHead.framing)
      clientFraming = plan.framing
      closeAfterResponse = plan.close
      answerStarted = true
      responseStage = responseBody.done ? .done : .body
      touchDeadline()
    }
    return true
  }

  /// How the final response's body travels, decided from its framing and the client's version.
  func responsePlan() -> ResponsePlan {
    var plan = ResponsePlan()
    let http11 = head.versionMinor == 1
    switch responseHead.framing {
    case .none:
      plan.framing = .none
      plan.keepSizeField = head.method == .head || responseHead.status == 304
    case .contentLength(let length):
      plan.framing = .contentLength(length)
    case .chunked, .untilClose:
      plan.framing = http11 ? .chunked : .untilClose
    }
    plan.close = closeAfterResponse || plan.framing == .untilClose || clientEOF
    return plan
  }

  /// `.body`: moves response body bytes to the client.
  func pumpResponseBody(from link: UpstreamLink) -> Bool {
    let before = responseBody.bytes
    let rechunk = clientFraming == .chunked
    let outcome = Unmanaged.passUnretained(link.input)._withUnsafeGuaranteedRef { input in
      responseBody.relay(from: input, to: clientOut, rechunk: rechunk, inputEnded: link.ended)
    }
    context.bytesOut += responseBody.bytes - before
    switch outcome {
    case .idle:
      return false
    case .moved:
      if responseBody.done { responseStage = .done }
      touchDeadline()
      return true
    case .truncated, .malformed, .overLimit:
      upstreamTruncated()
      return true
    }
  }

  /// The response is complete: the upstream connection goes back to the pool if it can serve
  /// another request, and the exchange ends.
  func finishIfResponseDone() -> Bool {
    guard case .done = responseStage, let link = upstream else { return false }
    if !requestBody.done {
      // The upstream answered before the whole body arrived: the rest of the body cannot be
      // told apart from a next request, so the client connection ends after this response.
      releaseUpstream(reusable: false)
      closeAfterResponse = true
      finishExchange()
      return true
    }
    let reusable =
      responseHead.keepAlive && !link.ended && responseBody.framing != .untilClose
      && link.output.readable == 0 && link.input.readable == 0
    releaseUpstream(reusable: reusable)
    finishExchange()
    return true
  }
}
