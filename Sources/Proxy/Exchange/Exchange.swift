import EventLoop
import HTTP1

/// The HTTP/1.1 exchanges of one client connection, as a state machine with no I/O of its own.
/// The driver (`ClientConnection`) reads into the buffers, feeds each thing that happened as an
/// event — bytes or end of stream from either side, the upstream lent / connected / failed, a
/// write drained, a phase's answer, the timer — and carries out the `ExchangeActions` the event
/// returns. The exchange parses heads in place, runs the `Pipeline`'s phases, moves body bytes
/// between the four buffers (`BodyRelay`, `Tunnel`) and keeps one deadline (`Exchange+Timeouts`).
///
///     awaitingHead ─► request phases ─► openingUpstream ─► proxying ─► awaitingHead (keep-alive)
///                       │  (a phase may wait for an                  ├─► tunnel (after a 101)
///                       │   answer, or for body bytes)               └─► closing ─► closed
///                       └─► drainingBody (answered locally) ─► awaitingHead or closing
///
/// Bytes stay in four fixed buffers (client in/out here, upstream in/out lent with the upstream
/// connection), so memory per connection is bounded whatever the body sizes; a full buffer stops
/// reading on the side that fills it (back-pressure). Everything about the current request lives
/// in `context`; the fields here are protocol state. A final class rather than a struct: the
/// driver reads it between events (`interest`, `deadline`), and reading a struct held in a class
/// property copies the whole struct. Loop-thread only.
final class Exchange {
  // MARK: Fixed for the connection's life

  let pipeline: Pipeline
  /// Bytes from the client; request heads are parsed in place here.
  let clientIn: ByteBuffer
  /// Bytes for the client: response heads and bodies, local answers.
  let clientOut: ByteBuffer
  let peer: Peer
  /// Receives the answers of waiting phases (set by the driver once it exists).
  unowned(unsafe) var host: (any ExchangeHost)? {
    didSet { hostWaker = host.map { Waker(host: $0, generation: 0) } }
  }
  /// A waker for `host`, made once: each view copies it and sets the generation (a `Waker` made
  /// from `host!` retained and released the host for every view).
  private(set) var hostWaker: Waker?

  // MARK: Protocol state

  var state: ExchangeState = .awaitingHead
  /// The request in progress (or the last one, between requests).
  var context: RequestContext
  /// Loop time of the event being handled.
  var now: UInt64
  /// Actions gathered while handling the current event.
  var actions: ExchangeActions = []
  var timeout = Deadline()
  /// Counts requests, so the answer of a phase that waited for a request that is gone is dropped.
  var generation = 0

  var parser: HeadParser
  /// The current request head (parsed in place in `clientIn`; the offsets point there).
  var head: RequestHead {
    unsafeAddress { UnsafePointer(requestHeadAddress) }
    unsafeMutableAddress { requestHeadAddress }
  }
  /// Bytes of the next head arrived (the header timeout runs from here, not from the last request).
  var headStarted = false
  var clientEOF = false
  var requestBody = BodyRelay()
  /// When the current request body must be complete (set with `requestBody`).
  var bodyDeadline = BodyDeadline(start: 0, timeout: 0, minRate: 0)
  /// Bytes of an answer to this request (the upstream's or a local one) were queued: a later
  /// failure cannot answer any more, only close.
  var answerStarted = false
  var closeAfterResponse = false
  /// The server is draining: no new requests after the current one.
  var draining = false

  var upstream: UpstreamLink?
  /// This request already moved to a fresh connection once.
  var retried = false
  var responseParser: HeadParser
  var responseHead: ResponseHead {
    unsafeAddress { UnsafePointer(responseHeadAddress) }
    unsafeMutableAddress { responseHeadAddress }
  }
  // The heads live out of line, so that a phase's view borrows them by address instead of
  // copying them for every run of the phases. Freed in `deinit`.
  let requestHeadAddress: UnsafeMutablePointer<RequestHead>
  let responseHeadAddress: UnsafeMutablePointer<ResponseHead>
  var responseStage: ResponseStage = .awaitingHead
  var responseBody = BodyRelay()
  var clientFraming: ClientBodyFraming = .none
  var tunnel = Tunnel()
  var lingerShut = false

  init(pipeline: Pipeline, clientIn: ByteBuffer, clientOut: ByteBuffer, peer: Peer, now: UInt64) {
    self.pipeline = pipeline
    self.clientIn = clientIn
    self.clientOut = clientOut
    self.peer = peer
    self.now = now
    let runtime = pipeline.runtime
    self.context = RequestContext(runtime: runtime)
    self.parser = HeadParser(limits: runtime.headLimits)
    self.responseParser = HeadParser(limits: runtime.responseHeadLimits)
    self.timeout = Deadline(at: now &+ runtime.headerTimeout, kind: .header)
    requestHeadAddress = .allocate(capacity: 1)
    requestHeadAddress.initialize(to: RequestHead())
    responseHeadAddress = .allocate(capacity: 1)
    responseHeadAddress.initialize(to: ResponseHead())
  }

  deinit {
    requestHeadAddress.deinitialize(count: 1)
    requestHeadAddress.deallocate()
    responseHeadAddress.deinitialize(count: 1)
    responseHeadAddress.deallocate()
  }

  // MARK: What the driver waits for

  /// The readiness to register once the actions are carried out. Reading from the client pauses
  /// while a phase waits for an answer, after the client's end of stream, and while the input
  /// buffer is full (back-pressure).
  var interest: ExchangeInterest {
    var client: Interest = []
    let clientCanRead = clientIn.writable > 0 || clientIn.readerIndex > 0 || clientIn.readable == 0
    var waitingForAnswer = false
    if case .waitingForAnswer = state { waitingForAnswer = true }
    if !clientEOF && clientCanRead && !waitingForAnswer { client.insert(.read) }
    if clientOut.readable > 0 { client.insert(.write) }
    guard let upstream else { return ExchangeInterest(client: client, upstream: []) }
    if upstream.connecting { return ExchangeInterest(client: client, upstream: [.write]) }
    var wanted: Interest = []
    // The link's buffers read without a retain (`UpstreamLink`: the driver holds them).
    let upstreamCanRead = Unmanaged.passUnretained(upstream.input)._withUnsafeGuaranteedRef { input in
      input.writable > 0 || input.readerIndex > 0 || input.readable == 0
    }
    if !upstream.ended && upstreamCanRead { wanted.insert(.read) }
    if Unmanaged.passUnretained(upstream.output)._withUnsafeGuaranteedRef({ $0.readable > 0 }) {
      wanted.insert(.write)
    }
    return ExchangeInterest(client: client, upstream: wanted)
  }

  /// When the current timeout expires (loop time, ns).
  var deadline: UInt64 { timeout.at }

  /// Waiting for the next request with no byte of it read, nothing left to send and no upstream:
  /// the client buffers may give their storage back (`ClientConnection.wait`).
  var isIdleBetweenRequests: Bool {
    guard case .awaitingHead = state, !headStarted, upstream == nil else { return false }
    return clientIn.readable == 0 && clientOut.readable == 0
  }

  /// `state == .closed`, without the synthesized `==` of an enum with payloads.
  var isClosed: Bool {
    if case .closed = state { return true }
    return false
  }

  // MARK: Events

  /// The driver read from the client into `clientIn`.
  func clientRead(_ read: ReadOutcome, now: UInt64) -> ExchangeActions {
    begin(now)
    switch read {
    case .bytes:
      if case .awaitingHead = state, !headStarted {
        headStarted = true
        setDeadline(now &+ context.runtime.headerTimeout, .header)
      }
    case .endOfStream:
      clientEOF = true
    case .nothing:
      break
    case .failed:
      abort()
    }
    return advance()
  }

  /// The client socket became writable (or reported an error) without anything to read.
  func clientWritable(now: UInt64) -> ExchangeActions {
    begin(now)
    return advance()
  }

  /// `clientOut` was written (`.wrote`), or the write failed.
  func clientFlushed(_ result: FlushResult, now: UInt64) -> ExchangeActions {
    begin(now)
    switch result {
    case .wrote: touchDeadline()
    case .idle: break
    case .failed: abort()
    }
    return advance()
  }

  /// `upstream.output` was written (`.wrote`), or the write failed.
  func upstreamFlushed(_ result: FlushResult, now: UInt64) -> ExchangeActions {
    begin(now)
    switch result {
    case .wrote(let count):
      upstream?.bytesWritten += count
      touchDeadline()
    case .idle:
      break
    case .failed:
      upstreamWriteFailed()
    }
    return advance()
  }

  /// The driver lent an upstream connection (answer to `openUpstream`).
  func upstreamOpened(_ link: UpstreamLink, now: UInt64) -> ExchangeActions {
    begin(now)
    guard case .openingUpstream = state else { preconditionFailure("upstream lent while \(state)") }
    sendRequestHead(over: link)
    return advance()
  }

  /// No upstream connection could be had at once (answer to `openUpstream`).
  func upstreamOpenFailed(_ detail: String, now: UInt64) -> ExchangeActions {
    begin(now)
    context.upstreamStartNanos = now
    connectFailed(detail, headInBuffer: true)
    return advance()
  }

  /// A readiness event on the lent connection: `justConnected` when it completed the connect;
  /// `read` is what its one read brought into `upstream.input`.
  func upstreamReady(justConnected: Bool, read: ReadOutcome, now: UInt64) -> ExchangeActions {
    begin(now)
    guard upstream != nil else { return finish() }
    if justConnected {
      upstream!.connecting = false
      pipeline.upstreamConnected(after: now &- context.upstreamStartNanos)
      setResponseDeadline()
    }
    switch read {
    case .endOfStream, .failed: upstream!.ended = true
    case .bytes, .nothing: break
    }
    return advance()
  }

  /// The lent connection's non-blocking connect failed.
  func upstreamConnectFailed(_ detail: String, now: UInt64) -> ExchangeActions {
    begin(now)
    connectFailed(detail, headInBuffer: false)
    return advance()
  }

  /// The retry's fresh connection took over the unsent bytes (answer to `retryUpstream`).
  func upstreamReplaced(by link: UpstreamLink, now: UInt64) -> ExchangeActions {
    begin(now)
    pipeline.upstreamRetried()
    upstream = link
    retried = true
    setDeadline(now &+ context.runtime.connectTimeout, .connect)
    return advance()
  }

  /// The retry's fresh connect failed at once (answer to `retryUpstream`).
  func upstreamRetryFailed(_ detail: String, now: UInt64) -> ExchangeActions {
    begin(now)
    releaseUpstream(reusable: false)
    answerAfterHeadSent(ProxyError(.upstreamConnectFailed, .upstream, detail))
    return advance()
  }

  /// A waiting phase's answer (through its `Waker`). Nil when the answer is for a request that
  /// is gone or a phase that is not waiting: it is dropped and nothing is to be done.
  func resume(generation: Int, now: UInt64, _ deliver: (inout RequestContext) -> Void)
    -> ExchangeActions?
  {
    guard generation == self.generation else { return nil }
    switch state {
    case .waitingForAnswer(let phase):
      begin(now)
      deliver(&context)
      runRequestPhases(from: phase, requestView())
    case .proxying:
      guard case .waitingForAnswer(let phase) = responseStage else { return nil }
      begin(now)
      deliver(&context)
      responseStage = .awaitingHead
      _ = beginResponse(from: phase)
    default:
      return nil
    }
    return advance()
  }

  /// The driver's timer fired. Before the deadline (it moved later) nothing happens and the
  /// driver re-arms for `deadline`.
  func timerFired(now: UInt64) -> ExchangeActions {
    begin(now)
    guard !isClosed, now >= timeout.at else { return finish() }
    timedOut()
    return advance()
  }

  /// The worker drains: an idle connection closes now, a busy one after its current exchange.
  func beginDrain(now: UInt64) -> ExchangeActions {
    begin(now)
    draining = true
    if case .awaitingHead = state, !headStarted, clientIn.readable == 0 {
      close()
    } else {
      closeAfterResponse = true
    }
    return finish()
  }

  // MARK: Stepping

  private func begin(_ now: UInt64) {
    self.now = now
    actions = []
  }

  /// Steps until nothing moves without I/O, or until an action needs the driver first.
  private func advance() -> ExchangeActions {
    while actions.isDisjoint(with: [.close, .openUpstream, .retryUpstream]) && step() {}
    return finish()
  }

  private func finish() -> ExchangeActions {
    if !isClosed {
      if clientOut.readable > 0 { actions.insert(.flushClient) }
      if let upstream, !upstream.connecting, upstream.output.readable > 0 { actions.insert(.flushUpstream) }
    }
    return actions
  }

  /// One step of the current state; true when something moved.
  private func step() -> Bool {
    switch state {
    case .awaitingHead:
      return parseNextRequest()
    case .waitingForBody(let phase, let bytes):
      return bodyArrived(for: phase, bytes: bytes)
    case .proxying:
      var progress = pumpRequestBody()
      if pumpResponse() { progress = true }
      if case .proxying = state, finishIfResponseDone() { progress = true }
      return progress
    case .drainingBody:
      var progress = drainRequestBody()
      if case .drainingBody = state, requestBody.done {
        finishExchange()
        progress = true
      }
      return progress
    case .tunnel:
      return pumpTunnel()
    case .closing:
      return lingerStep()
    case .waitingForAnswer, .openingUpstream, .closed:
      return false
    }
  }

  /// `.tunnel`: moves bytes both ways; closes when both sides are shut.
  private func pumpTunnel() -> Bool {
    guard let link = upstream else {
      close()
      return false
    }
    let step = tunnel.pump(
      clientIn: clientIn, clientOut: clientOut, upstreamIn: link.input, upstreamOut: link.output,
      clientEnded: clientEOF, upstreamEnded: link.ended)
    context.bytesOut += Int64(step.toClient)
    if step.shutUpstream { actions.insert(.shutdownUpstreamWrite) }
    if step.shutClient { actions.insert(.shutdownClientWrite) }
    if step.finished {
      releaseUpstream(reusable: false)
      close()
      return false
    }
    if step.progress { setDeadline(now &+ context.runtime.idleTimeout, .tunnel) }
    return step.progress
  }

  /// `.closing`: once the last answer is out, half-close and drop whatever the client still
  /// sends (so the answer is not lost to a reset) until it closes or the linger timeout fires.
  private func lingerStep() -> Bool {
    if clientOut.readable > 0 { return false }
    if !lingerShut {
      lingerShut = true
      actions.insert(.shutdownClientWrite)
    }
    clientIn.clear()
    if clientEOF { close() }
    return false
  }
}
