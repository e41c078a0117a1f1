import Config
import EventLoop
import HTTP1
import Net

/// One client connection and the exchange it is in. Phases of an exchange (Pingora's order):
///
///     readHead ─► requestFilter (strip, trace, route, auth; may answer itself or suspend)
///              ─► upstreamPeer (pool or fresh connect) ─► upstreamRequestFilter (rewrite head)
///              ─► stream request body ─► responseFilter (rewrite head) ─► stream response body
///              ─► logging (exactly once) ─► next request (keep-alive) or close
///
/// Bytes move between four fixed buffers (client in/out, upstream in/out), so memory per
/// connection is bounded whatever the body sizes; a full buffer stops reading on the side that
/// fills it (back-pressure). Writes are optimistic; write interest is registered only after a
/// partial write. Timeouts use one lazily re-armed loop timer per connection. Loop-thread only.
final class ClientConnection: EventHandler {
  enum Phase {
    /// Waiting for (the rest of) a request head.
    case awaitingHead
    /// `requestFilter` is waiting for an asynchronous answer (JWKS fetch, Redis reply).
    case suspended
    /// Reading a small form body before authentication, for its CSRF field.
    case awaitingBody
    case proxying
    /// A local answer was queued; the request body (if any) is being drained.
    case responding
    case tunnel
    /// Flushing the last bytes, then half-close and discard input until EOF or a short timer.
    case closing
    case closed
  }

  enum BodyState: Equatable {
    case none
    case length(Int64)
    case chunked
    case untilClose
  }

  enum TimeoutKind {
    case header, idle, connect, response, tunnel, linger
  }

  /// The worker outlives its connections (`unowned(unsafe)`: no reference counting per access).
  unowned(unsafe) let worker: Worker
  let fd: Int32
  private var registration: Registration?
  private var interest: Interest = []
  let peer: SocketAddress
  let peerText: [UInt8]
  let inBuf: ByteBuffer
  let outBuf: ByteBuffer
  private(set) var phase: Phase = .awaitingHead
  private var runtime: RuntimeConfig
  private var parser: HeadParser
  private var head = RequestHead()
  var context = RequestContext()
  private var headStarted = false
  private var clientEOF = false
  private var requestsServed = 0

  // Request body.
  private var requestBody: BodyState = .none
  private var requestChunks = ChunkedDecoder()
  private var requestBodyDone = true
  private var requestBodyBytes: Int64 = 0
  private var discardBudget: Int64 = 0

  // Upstream side of the exchange.
  private(set) var upstream: UpstreamConnection?
  private var upstreamEOF = false
  private var responseParser: HeadParser
  private var responseHead = ResponseHead()
  private var responseHeadDone = false
  private var responseBody: BodyState = .none
  private var responseChunks = ChunkedDecoder()
  private var responseDone = false
  private var clientFraming: ClientBodyFraming = .none
  private var responseStarted = false
  private var closeAfterResponse = false
  private var wantsTunnel = false
  private var retried = false

  // Timer.
  private var deadline: UInt64 = 0
  private var timeoutKind: TimeoutKind = .header
  private var timerDeadline: UInt64 = 0
  private var timer: TimerID?

  init(worker: Worker, fd: Int32, peer: SocketAddress) {
    self.worker = worker
    self.fd = fd
    self.peer = peer
    self.peerText = Array(peer.ip.description.utf8)
    self.runtime = worker.runtime
    self.inBuf = ByteBuffer(capacity: worker.runtime.clientBufferSize)
    self.outBuf = ByteBuffer(capacity: worker.runtime.clientBufferSize)
    self.parser = HeadParser(limits: worker.runtime.headLimits)
    self.responseParser = HeadParser(limits: worker.runtime.responseHeadLimits)
    Socket.setNoDelay(fd)
  }

  func start() {
    registration = worker.loop.register(fd: fd, interest: [.read], handler: self)
    interest = [.read]
    setDeadline(worker.loop.now &+ runtime.headerTimeout, .header)
  }

  private var peerTrusted: Bool { runtime.isTrusted(peer.ip) }

  // MARK: Events

  func handle(_ events: Events) {
    guard phase != .closed else { return }
    if events.isReadable || events.isHangup || events.isError { readClient() }
    guard phase != .closed else { return }
    drive()
  }

  func upstreamEvent(_ events: Events, from connection: UpstreamConnection) {
    guard phase != .closed, connection === upstream else { return }
    if connection.connecting {
      guard events.isWritable || events.isError || events.isHangup else { return }
      let error = Socket.pendingError(connection.fd)
      if error != 0 {
        upstreamConnectFailed(SystemError(call: "connect", code: error).description)
        if phase != .closed { drive() }
        return
      }
      connection.connecting = false
      worker.metrics.upstreamConnected(nanos: worker.loop.now &- context.upstreamStartNanos)
      setDeadline(worker.loop.now &+ runtime.responseTimeout, .response)
    }
    if events.isReadable || events.isHangup || events.isError { readUpstream(connection) }
    guard phase != .closed else { return }
    drive()
  }

  // MARK: Reading

  private func readClient() {
    if inBuf.readable == 0 {
      inBuf.clear()
    } else if inBuf.writable == 0 {
      guard inBuf.readerIndex > 0 else { return }
      inBuf.compact()
    }
    switch inBuf.read(from: fd) {
    case .bytes:
      if phase == .awaitingHead && !headStarted {
        headStarted = true
        setDeadline(worker.loop.now &+ runtime.headerTimeout, .header)
      }
    case .eof:
      clientEOF = true
    case .wouldBlock:
      break
    case .failed:
      abort()
    }
  }

  private func readUpstream(_ connection: UpstreamConnection) {
    let buffer = connection.inBuf
    if buffer.readable == 0 {
      buffer.clear()
    } else if buffer.writable == 0 {
      guard buffer.readerIndex > 0 else { return }
      buffer.compact()
    }
    switch buffer.read(from: connection.fd) {
    case .bytes:
      break
    case .eof:
      upstreamEOF = true
    case .wouldBlock:
      break
    case .failed:
      upstreamEOF = true
    }
  }

  // MARK: Driving

  /// Moves bytes and advances phases until nothing more can happen without I/O readiness.
  private func drive() {
    var progress = true
    while progress && phase != .closed {
      progress = false
      switch phase {
      case .awaitingHead:
        progress = parseNextRequest()
      case .suspended:
        break
      case .awaitingBody:
        progress = authenticateWhenBodyArrived()
      case .proxying:
        if pumpRequestBody() { progress = true }
        if pumpResponse() { progress = true }
        if phase == .proxying && finishExchangeIfDone() { progress = true }
      case .responding:
        if discardRequestBody() { progress = true }
        if phase == .responding && requestBodyDone { finishExchange(); progress = true }
      case .tunnel:
        progress = pumpTunnel()
      case .closing:
        progress = lingerStep()
      case .closed:
        return
      }
      guard phase != .closed else { return }
      if flushClient() { progress = true }
      guard phase != .closed else { return }
      if flushUpstream() { progress = true }
    }
    guard phase != .closed else { return }
    updateInterest()
  }

  private func parseNextRequest() -> Bool {
    guard inBuf.readable > 0 else {
      if clientEOF { close() }
      return false
    }
    if !headStarted {
      headStarted = true
      setDeadline(worker.loop.now &+ runtime.headerTimeout, .header)
    }
    let view = UnsafeRawBufferPointer(start: inBuf.readPointer, count: inBuf.readable)
    switch parser.parseRequest(view, into: &head) {
    case .incomplete:
      if clientEOF {
        close()
      } else if inBuf.readerIndex == 0 && inBuf.writable == 0 {
        rejectHead(HTTPParseError(.headerSectionTooLarge))
        return true
      }
      return false
    case .failed(let error):
      rejectHead(error)
      return true
    case .complete:
      beginRequest()
      return true
    }
  }

  // MARK: requestFilter

  private func beginRequest() {
    runtime = worker.runtime
    requestGeneration &+= 1
    pendingResponseHeaders = []
    context = RequestContext()
    context.active = true
    context.startNanos = worker.loop.now
    context.startWallNanos = worker.loop.clock.wallNanos()
    context.method = head.method
    let base = UnsafeRawPointer(inBuf.readPointer)
    context.peerText = peerText
    if runtime.accessLog {
      context.methodText = String(
        decoding: UnsafeRawBufferPointer(start: base, count: head.methodLength), as: UTF8.self)
      let length = runtime.logQuery ? head.targetLength : head.pathLength
      context.pathText = String(
        decoding: UnsafeRawBufferPointer(start: base + head.targetStart, count: length), as: UTF8.self)
    }
    RequestRewriter.prepareContext(
      head: head, base: base, runtime: runtime, context: &context, ids: &worker.ids)
    worker.metrics.requestStarted()

    requestBodyBytes = 0
    switch head.framing {
    case .contentLength(let length):
      requestBody = length > 0 ? .length(length) : .none
      if runtime.maxBodyBytes > 0 && length > runtime.maxBodyBytes {
        respondLocally(ProxyError(.bodyTooLarge, .downstream, "content-length \(length)"), consumeHead: true)
        return
      }
    case .chunked:
      requestBody = .chunked
      requestChunks = ChunkedDecoder()
    case .none, .untilClose:
      requestBody = .none
    }
    requestBodyDone = requestBody == .none

    let path = UnsafeRawBufferPointer(start: base + head.targetStart, count: head.pathLength)
    let methodName = UnsafeRawBufferPointer(start: base, count: head.methodLength)
    let routeIndex = runtime.routes.match(path: path, method: head.method, methodName: methodName)
    context.routeIndex = routeIndex
    guard routeIndex >= 0 else {
      worker.logSecurityEvent("no_route", context: context, peer: peer)
      respondLocally(ProxyError(.unauthorized, .downstream, "no route"), consumeHead: true)
      return
    }
    let route = runtime.routes.routes[routeIndex]
    activeSession = nil
    lifecycle = .none
    currentRequest = runtime.sessionCookieName != nil ? makeAuthRequest(route: route, base: base) : nil
    if route.auth == .publicAccess {
      context.authMethod = "public"
      startUpstream(extraHeaders: [])
      return
    }
    guard let authenticator = worker.authenticator(for: route.auth) else {
      // Policies not built into this binary never open a route (config check refuses them too).
      respondLocally(ProxyError(.unauthorized, .internal, "policy unavailable"), consumeHead: true)
      return
    }
    let request = currentRequest ?? makeAuthRequest(route: route, base: base)
    if let length = formBodyToRead(request, route: route) {
      pendingAuthentication = (authenticator, request, length)
      phase = .awaitingBody
      return
    }
    authenticate(request, with: authenticator)
  }

  /// A form body is read before authentication only when the CSRF token can be nowhere else:
  /// an unsafe request on a session route, no CSRF header, a urlencoded body with a length that
  /// fits the configured bound (and the buffer). Otherwise the check runs on the headers alone.
  private func formBodyToRead(_ request: AuthRequest, route: CompiledRoute) -> Int? {
    guard runtime.csrfFormBytes > 0, route.auth == .session || route.auth == .sessionOrJWT,
      !head.method.isSafe, request.csrfToken == nil, request.sessionCookie != nil, !head.expectContinue,
      case .contentLength(let length) = head.framing, length > 0, length <= Int64(runtime.csrfFormBytes),
      head.headLength + Int(length) <= inBuf.capacity, let type = request.contentType,
      ByteSearch.containsCaseInsensitive(type, "application/x-www-form-urlencoded")
    else { return nil }
    return Int(length)
  }

  private var pendingAuthentication: (any RequestAuthenticator, AuthRequest, Int)?

  /// `.awaitingBody`: authenticates once the whole form body is in the buffer (it stays there
  /// and is forwarded as usual afterwards).
  private func authenticateWhenBodyArrived() -> Bool {
    guard let (authenticator, request, length) = pendingAuthentication else { return false }
    guard inBuf.readable >= head.headLength + length else {
      if clientEOF { close() }
      return false
    }
    pendingAuthentication = nil
    var withBody = request
    withBody.formBody = Array(
      UnsafeRawBufferPointer(start: inBuf.readPointer + head.headLength, count: length))
    phase = .awaitingHead
    authenticate(withBody, with: authenticator)
    return true
  }

  private func authenticate(_ request: AuthRequest, with authenticator: any RequestAuthenticator) {
    let generation = requestGeneration
    // Strong captures: a weak reference would move this object's reference counts to a side
    // table for good (slow retain/release on every request). The closure lives only until the
    // authenticator answers; the generation check drops answers for requests that are gone.
    let outcome = authenticator.authenticate(request) { [self] outcome in
      guard self.phase == .suspended, self.requestGeneration == generation else { return }
      self.phase = .awaitingHead
      self.applyAuthOutcome(outcome)
      if self.phase != .closed { self.drive() }
    }
    if let outcome {
      applyAuthOutcome(outcome)
    } else {
      phase = .suspended
    }
  }

  /// The request as authenticators see it (kept for the response phase when sessions are on).
  private var currentRequest: AuthRequest?
  /// The session the current request runs in, after authentication.
  private var activeSession: ActiveSession?

  /// Where the response phase stands with the app's session lifecycle headers.
  private enum LifecycleState {
    case none
    case pending
    case done([(String, String)])
  }
  private var lifecycle: LifecycleState = .none

  /// Counts requests on this connection so a late authentication answer for a request that is
  /// gone (client closed) is recognised and dropped.
  private var requestGeneration = 0

  private func applyAuthOutcome(_ outcome: AuthOutcome) {
    switch outcome {
    case .allow(let grant):
      context.authMethod = grant.method
      context.principalHash = grant.principalHash
      context.stripAuthorization = grant.stripAuthorization
      pendingResponseHeaders = grant.responseHeaders
      activeSession = grant.session
      startUpstream(extraHeaders: grant.identityHeaders)
    case .deny(let error, let headers):
      let kind: String
      switch error.kind {
      case .csrfFailed: kind = "csrf_failure"
      case .forbidden: kind = "forbidden"
      case .storeUnavailable, .sessionLimit: kind = error.kind.rawValue
      default: kind = "unauthenticated"
      }
      worker.logSecurityEvent(kind, context: context, peer: peer, reason: error.detail)
      respondLocally(error, consumeHead: true, extraHeaders: headers)
    }
  }

  /// Headers the authenticator wants on the response (e.g. a rotated session cookie).
  private var pendingResponseHeaders: [(String, String)] = []

  private func makeAuthRequest(route: CompiledRoute, base: UnsafeRawPointer) -> AuthRequest {
    var authorization: [UInt8]?
    var authorizationCount = 0
    var cookies: [UInt8]?
    var userAgent: [UInt8]?
    var host: [UInt8]?
    var origin: [UInt8]?
    var fetchSite: [UInt8]?
    var contentType: [UInt8]?
    var accept: [UInt8]?
    var csrfToken: [UInt8]?
    var forwardedProto: [UInt8]?
    let trusted = peerTrusted
    for field in head.fields {
      let name = UnsafeRawBufferPointer(start: base + Int(field.nameStart), count: Int(field.nameLength))
      let value = UnsafeRawBufferPointer(start: base + Int(field.valueStart), count: Int(field.valueLength))
      if FieldName.equals(name, "authorization") {
        authorizationCount += 1
        authorization = Array(value)
      } else if FieldName.equals(name, "cookie") {
        if cookies == nil {
          cookies = Array(value)
        } else {
          cookies!.append(contentsOf: [0x3B, 0x20])
          cookies!.append(contentsOf: value)
        }
      } else if FieldName.equals(name, "user-agent") {
        userAgent = Array(value)
      } else if FieldName.equals(name, "host") {
        host = Array(value)
      } else if FieldName.equals(name, "origin") {
        origin = Array(value)
      } else if FieldName.equals(name, "sec-fetch-site") {
        fetchSite = Array(value)
      } else if FieldName.equals(name, "content-type") {
        contentType = Array(value)
      } else if FieldName.equals(name, "accept") {
        if accept == nil {
          accept = Array(value)
        } else {
          accept!.append(0x2C); accept!.append(contentsOf: value)
        }
      } else if trusted && forwardedProto == nil && FieldName.equals(name, "x-forwarded-proto") {
        forwardedProto = Array(value)
      } else if runtime.csrfHeaderMatcher.matches(name) {
        csrfToken = Array(value)
      }
    }
    let path = String(
      decoding: UnsafeRawBufferPointer(start: base + head.targetStart, count: head.pathLength), as: UTF8.self)
    let target = String(
      decoding: UnsafeRawBufferPointer(start: base + head.targetStart, count: head.targetLength),
      as: UTF8.self)
    var sessionCookie: [UInt8]?
    if let name = runtime.sessionCookieName, let cookies {
      sessionCookie = CookieHeader.value(named: name, in: cookies)
    }
    return AuthRequest(
      policy: route.auth, routeName: route.name, method: head.method,
      authorization: authorizationCount == 1 ? authorization : nil, cookies: cookies,
      clientIP: runtime.clientIP(peer: peer.ip, forwardedFor: forwardedFor(base: base)), userAgent: userAgent,
      host: host, origin: origin, secFetchSite: fetchSite, contentType: contentType, accept: accept,
      path: path,
      target: target, sessionCookie: sessionCookie, csrfToken: csrfToken, formBody: nil,
      forwardedProto: forwardedProto, onUnauthenticated: route.onUnauthenticated)
  }

  /// All `X-Forwarded-For` values joined, only when the peer is a trusted proxy.
  private func forwardedFor(base: UnsafeRawPointer) -> [UInt8]? {
    guard peerTrusted else { return nil }
    var joined: [UInt8]?
    for field in head.fields {
      let name = UnsafeRawBufferPointer(start: base + Int(field.nameStart), count: Int(field.nameLength))
      guard FieldName.equals(name, "x-forwarded-for") else { continue }
      let value = UnsafeRawBufferPointer(start: base + Int(field.valueStart), count: Int(field.valueLength))
      if joined == nil {
        joined = Array(value)
      } else {
        joined!.append(0x2C); joined!.append(contentsOf: value)
      }
    }
    return joined
  }

  // MARK: upstreamPeer + upstreamRequestFilter

  private func startUpstream(extraHeaders: [(String, String)]) {
    let connection: UpstreamConnection
    if let pooled = worker.pool.takeIdle() {
      connection = pooled
    } else {
      do {
        connection = try worker.pool.connectFresh()
      } catch {
        context.upstreamStartNanos = worker.loop.now
        upstreamConnectFailed(error.description, headInBuffer: true)
        return
      }
    }
    connection.owner = self
    upstream = connection
    upstreamEOF = false
    retried = false
    context.upstreamStartNanos = worker.loop.now
    wantsTunnel = head.upgrade
    let input = RequestRewriter.Input(
      head: head, base: UnsafeRawPointer(inBuf.readPointer), peerTrusted: peerTrusted, peerText: peerText,
      tunnel: wantsTunnel)
    guard
      RequestRewriter.write(
        input, runtime: runtime, context: &context, extraHeaders: extraHeaders, into: connection.outBuf)
    else {
      releaseUpstream(reusable: false)
      respondLocally(ProxyError(.headersTooLarge, .internal, "rewritten head too large"), consumeHead: true)
      return
    }
    inBuf.readerIndex += head.headLength
    responseParser.reset()
    responseHeadDone = false
    responseDone = false
    responseStarted = false
    closeAfterResponse = !head.keepAlive || worker.draining
    phase = .proxying
    if connection.connecting {
      setDeadline(worker.loop.now &+ runtime.connectTimeout, .connect)
    } else {
      setDeadline(worker.loop.now &+ runtime.responseTimeout, .response)
    }
  }

  // MARK: Request body

  private func pumpRequestBody() -> Bool {
    guard !requestBodyDone, let connection = upstream, !connection.connecting else { return false }
    let out = connection.outBuf
    if out.writable < 64 && out.readerIndex > 0 { out.compact() }
    switch requestBody {
    case .length(let remaining):
      let count = min(Int64(inBuf.readable), remaining, Int64(out.writable))
      guard count > 0 else { return false }
      _ = out.append(UnsafeRawBufferPointer(start: inBuf.readPointer, count: Int(count)))
      inBuf.readerIndex += Int(count)
      requestBodyBytes += count
      let left = remaining - count
      requestBody = .length(left)
      if left == 0 { requestBodyDone = true }
      touchDeadline()
      return true
    case .chunked:
      var progress = false
      relay: while !requestBodyDone {
        switch ChunkedRelay.step(&requestChunks, from: inBuf, to: out, rechunk: true) {
        case .data(let count):
          requestBodyBytes += Int64(count)
          progress = true
          if runtime.maxBodyBytes > 0 && requestBodyBytes > runtime.maxBodyBytes {
            failMidRequest(ProxyError(.bodyTooLarge, .downstream, "chunked body over limit"))
            return true
          }
        case .framing:
          progress = true
        case .stalled:
          break relay
        case .finished:
          requestBodyDone = true
          progress = true
        case .failed(let error):
          failMidRequest(ProxyError(.badRequest, .downstream, error.kind.rawValue))
          return true
        }
      }
      if progress { touchDeadline() }
      return progress
    case .none, .untilClose:
      requestBodyDone = true
      return false
    }
  }

  /// The client broke its body's framing after the head went upstream: the upstream connection
  /// cannot be reused, the client gets an error if nothing was answered yet, and both close.
  private func failMidRequest(_ error: ProxyError) {
    worker.metrics.parseRejected(error.detail)
    releaseUpstream(reusable: false)
    requestBodyDone = true
    if responseStarted {
      context.error = error
      abort()
    } else {
      queueLocalResponse(error, close: true)
      phase = .closing
      setDeadline(worker.loop.now &+ runtime.lingerTimeout, .linger)
    }
  }

  // MARK: Response

  private func pumpResponse() -> Bool {
    guard let connection = upstream, !connection.connecting else { return false }
    let input = connection.inBuf
    if !responseHeadDone {
      guard input.readable > 0 else {
        if upstreamEOF { upstreamFailedBeforeResponse(); return true }
        return false
      }
      let view = UnsafeRawBufferPointer(start: input.readPointer, count: input.readable)
      switch responseParser.parseResponse(view, requestMethod: head.method, into: &responseHead) {
      case .incomplete:
        if upstreamEOF || (input.readerIndex == 0 && input.writable == 0) {
          upstreamProtocolFailure("incomplete response head")
          return true
        }
        return false
      case .failed(let error):
        upstreamProtocolFailure(error.kind.rawValue)
        return true
      case .complete:
        // Continue straight into the body so head and body leave in one write.
        guard beginResponse(connection) else { return false }
        if responseHeadDone && !responseDone && phase == .proxying { _ = pumpResponseBody(connection) }
        return true
      }
    }
    guard !responseDone else { return false }
    return pumpResponseBody(connection)
  }

  private func beginResponse(_ connection: UpstreamConnection) -> Bool {
    let input = connection.inBuf
    let base = UnsafeRawPointer(input.readPointer)
    let status = responseHead.status
    if status < 200 {
      if status == 101 {
        guard wantsTunnel else {
          upstreamProtocolFailure("101 without an upgrade request")
          return true
        }
        _ = ResponseRewriter.write(
          head: responseHead, base: base, framing: .none, close: false, tunnel: true, keepSizeField: false,
          runtime: runtime, context: context, extraHeaders: [], into: outBuf)
        input.readerIndex += responseHead.headLength
        context.status = 101
        context.upstreamHeadNanos = worker.loop.now
        responseStarted = true
        requestBodyDone = true
        phase = .tunnel
        setDeadline(worker.loop.now &+ runtime.idleTimeout, .tunnel)
        return true
      }
      // Interim responses (100 Continue, 103 Early Hints) are relayed as they come.
      _ = ResponseRewriter.write(
        head: responseHead, base: base, framing: .none, close: false, tunnel: false, keepSizeField: false,
        runtime: runtime, context: context, extraHeaders: [], into: outBuf)
      input.readerIndex += responseHead.headLength
      responseParser.reset()
      return true
    }
    switch lifecycle {
    case .pending:
      return false
    case .done(let headers):
      pendingResponseHeaders = headers
    case .none:
      if let names = runtime.lifecycleHeaders, let sessions = worker.sessionLifecycle,
        let scanned = SessionLifecycle.scan(responseHead, base: base, headers: names)
      {
        guard let action = scanned else {
          upstreamProtocolFailure("invalid session lifecycle header")
          return true
        }
        let generation = requestGeneration
        let outcome = sessions.apply(action, request: currentRequest, session: activeSession) {
          [self] outcome in
          guard self.phase == .proxying, self.requestGeneration == generation else { return }
          self.lifecycleFinished(outcome)
          if self.phase != .closed { self.drive() }
        }
        guard let outcome else {
          lifecycle = .pending
          return false
        }
        lifecycleFinished(outcome)
        return true
      }
    }
    context.upstreamHeadNanos = worker.loop.now
    context.status = status
    let http11 = head.versionMinor == 1
    var keepSizeField = false
    switch responseHead.framing {
    case .none:
      responseBody = .none
      clientFraming = .none
      keepSizeField = head.method == .head || status == 304
    case .contentLength(let length):
      responseBody = length > 0 ? .length(length) : .none
      clientFraming = .contentLength(length)
    case .chunked:
      responseBody = .chunked
      responseChunks = ChunkedDecoder()
      clientFraming = http11 ? .chunked : .untilClose
    case .untilClose:
      responseBody = .untilClose
      clientFraming = http11 ? .chunked : .untilClose
    }
    if clientFraming == .untilClose || clientEOF { closeAfterResponse = true }
    guard
      ResponseRewriter.write(
        head: responseHead, base: base, framing: clientFraming, close: closeAfterResponse, tunnel: false,
        keepSizeField: keepSizeField, runtime: runtime, context: context,
        extraHeaders: pendingResponseHeaders,
        into: outBuf)
    else {
      upstreamProtocolFailure("response head too large")
      return true
    }
    input.readerIndex += responseHead.headLength
    responseHeadDone = true
    responseStarted = true
    if responseBody == .none { responseDone = true }
    touchDeadline()
    return true
  }

  /// The session lifecycle answered: continue the upstream's response with its headers (they
  /// replace any rotation cookie of the request phase), or replace the response by an error.
  private func lifecycleFinished(_ outcome: SessionLifecycle.Outcome) {
    switch outcome {
    case .headers(let headers):
      lifecycle = .done(headers)
    case .refuse(let error, let headers):
      lifecycle = .none
      releaseUpstream(reusable: false)
      answerAfterHeadSent(error, extraHeaders: headers)
    }
  }

  private func pumpResponseBody(_ connection: UpstreamConnection) -> Bool {
    let input = connection.inBuf
    if outBuf.writable < 64 && outBuf.readerIndex > 0 { outBuf.compact() }
    var progress = false
    switch responseBody {
    case .length(let remaining):
      let count = min(Int64(input.readable), remaining, Int64(outBuf.writable))
      if count > 0 {
        _ = outBuf.append(UnsafeRawBufferPointer(start: input.readPointer, count: Int(count)))
        input.readerIndex += Int(count)
        context.bytesOut += count
        let left = remaining - count
        responseBody = .length(left)
        if left == 0 { responseDone = true }
        progress = true
      }
      if !responseDone && upstreamEOF && input.readable == 0 {
        upstreamTruncated()
        return true
      }
    case .chunked:
      relay: while !responseDone {
        switch ChunkedRelay.step(
          &responseChunks, from: input, to: outBuf, rechunk: clientFraming == .chunked)
        {
        case .data(let count):
          context.bytesOut += Int64(count)
          progress = true
        case .framing:
          progress = true
        case .stalled(let needsAllInput):
          if needsAllInput && upstreamEOF {
            upstreamTruncated()
            return true
          }
          break relay
        case .finished:
          responseDone = true
          progress = true
        case .failed:
          upstreamTruncated()
          return true
        }
      }
      if !responseDone && upstreamEOF && input.readable == 0 {
        upstreamTruncated()
        return true
      }
    case .untilClose:
      let room = clientFraming == .chunked ? outBuf.writable - 40 : outBuf.writable
      let count = min(input.readable, room)
      if count > 0 {
        if clientFraming == .chunked { _ = outBuf.appendHex(count) && outBuf.append("\r\n") }
        _ = outBuf.append(UnsafeRawBufferPointer(start: input.readPointer, count: count))
        if clientFraming == .chunked { _ = outBuf.append("\r\n") }
        input.readerIndex += count
        context.bytesOut += Int64(count)
        progress = true
      }
      if upstreamEOF && input.readable == 0 {
        if clientFraming == .chunked { _ = outBuf.append("0\r\n\r\n") }
        responseDone = true
        progress = true
      }
    case .none:
      responseDone = true
    }
    if progress { touchDeadline() }
    return progress
  }

  private func finishExchangeIfDone() -> Bool {
    guard responseDone else { return false }
    if !requestBodyDone {
      // The upstream answered before the whole body arrived: the rest of the body cannot be
      // told apart from a next request, so the client connection ends after this response.
      releaseUpstream(reusable: false)
      closeAfterResponse = true
      finishExchange()
      return true
    }
    let reusable =
      responseHead.keepAlive && !upstreamEOF && responseBody != .untilClose
      && (upstream?.outBuf.readable ?? 0) == 0 && (upstream?.inBuf.readable ?? 0) == 0
    releaseUpstream(reusable: reusable)
    finishExchange()
    return true
  }

  // MARK: logging + next request

  private func finishExchange() {
    if context.active {
      context.bytesIn = requestBodyBytes
      worker.requestFinished(context, routeName: routeName)
      context.active = false
    }
    requestsServed += 1
    parser.reset()
    headStarted = false
    requestBody = .none
    requestBodyDone = true
    if closeAfterResponse || worker.draining {
      phase = .closing
      setDeadline(worker.loop.now &+ runtime.lingerTimeout, .linger)
      return
    }
    phase = .awaitingHead
    setDeadline(worker.loop.now &+ runtime.idleTimeout, .idle)
  }

  private var routeName: String {
    context.routeIndex >= 0 ? runtime.routes.routes[context.routeIndex].name : "-"
  }

  // MARK: Local answers (failToProxy)

  /// A context for an answer given before any head was parsed (rejections, header timeout).
  private func startLocalContext() {
    context = RequestContext()
    context.active = true
    context.startNanos = worker.loop.now
    context.startWallNanos = worker.loop.clock.wallNanos()
    context.generatedRequestID = (worker.ids.next(), worker.ids.next())
    context.traceHigh = worker.ids.nextNonZero()
    context.traceLow = worker.ids.next()
    context.spanID = worker.ids.nextNonZero()
    context.peerText = peerText
  }

  private func rejectHead(_ error: HTTPParseError) {
    startLocalContext()
    worker.metrics.parseRejected(error.kind.rawValue)
    worker.logSecurityEvent("rejected_request", context: context, peer: peer, reason: error.kind.rawValue)
    let proxyError = ProxyError(ErrorResponder.kind(for: error), .downstream, error.kind.rawValue)
    queueLocalResponse(proxyError, close: true)
    requestBodyDone = true
    inBuf.clear()
    finishExchange()
  }

  /// Answers the current request without the upstream. The body, if any, is discarded when it
  /// is small enough to drain; otherwise the connection closes after the answer.
  private func respondLocally(_ error: ProxyError, consumeHead: Bool, extraHeaders: [(String, String)] = []) {
    if consumeHead { inBuf.readerIndex += head.headLength }
    var close = !head.keepAlive || worker.draining
    switch requestBody {
    case .length(let length):
      if head.expectContinue || length > runtime.drainLimit { close = true }
    case .chunked:
      if head.expectContinue { close = true }
    case .none, .untilClose:
      break
    }
    if error.kind == .bodyTooLarge { close = true }
    queueLocalResponse(error, close: close, extraHeaders: extraHeaders)
    if close {
      requestBodyDone = true
      closeAfterResponse = true
      finishExchange()
    } else {
      discardBudget = runtime.drainLimit
      phase = .responding
    }
  }

  private func queueLocalResponse(_ error: ProxyError, close: Bool, extraHeaders: [(String, String)] = []) {
    context.error = error
    context.status = error.status
    let ok = LocalResponse.write(
      status: error.status, code: error.kind.rawValue, message: ErrorResponder.message(for: error),
      close: close,
      context: context, runtime: runtime, extraHeaders: extraHeaders,
      headOnly: context.method == .head,
      into: outBuf)
    if !ok { abort() }
    responseStarted = true
    closeAfterResponse = closeAfterResponse || close
  }

  /// Drains (reads and drops) the body of a request that was answered locally.
  private func discardRequestBody() -> Bool {
    guard !requestBodyDone else { return false }
    switch requestBody {
    case .length(let remaining):
      let count = min(Int64(inBuf.readable), remaining)
      guard count > 0 else {
        if clientEOF { close() }
        return false
      }
      inBuf.readerIndex += Int(count)
      discardBudget -= count
      requestBody = .length(remaining - count)
      if remaining - count == 0 { requestBodyDone = true }
      return true
    case .chunked:
      var progress = false
      while !requestBodyDone && inBuf.readable > 0 {
        switch ChunkedRelay.step(&requestChunks, from: inBuf, to: nil, rechunk: false) {
        case .data(let count):
          discardBudget -= Int64(count)
          progress = true
        case .framing:
          progress = true
        case .stalled:
          return progress
        case .finished:
          requestBodyDone = true
          progress = true
        case .failed:
          closeAfterResponse = true
          requestBodyDone = true
          return true
        }
        if discardBudget < 0 {
          closeAfterResponse = true
          requestBodyDone = true
          return true
        }
      }
      if !progress && clientEOF { close() }
      return progress
    case .none, .untilClose:
      requestBodyDone = true
      return true
    }
  }

  // MARK: Upstream failures

  private func upstreamConnectFailed(_ detail: String, headInBuffer: Bool = false) {
    worker.metrics.upstreamConnectFailed()
    if upstream != nil { releaseUpstream(reusable: false) }
    let error = ProxyError(.upstreamConnectFailed, .upstream, detail)
    worker.log.warning(
      "upstream connect failed", metadata: ["error": "\(detail)", "upstream": "\(worker.pool.address)"])
    if headInBuffer {
      respondLocally(error, consumeHead: true)
    } else {
      answerAfterHeadSent(error)
    }
  }

  /// An error after the head went upstream: answer if nothing was answered yet, and close the
  /// client unless the request body is complete (otherwise its tail could look like a request).
  private func answerAfterHeadSent(_ error: ProxyError, extraHeaders: [(String, String)] = []) {
    if responseStarted {
      context.error = error
      abort()
      return
    }
    let close = !requestBodyDone || !head.keepAlive
    requestBodyDone = true
    queueLocalResponse(error, close: close, extraHeaders: extraHeaders)
    finishExchange()
  }

  private func upstreamFailedBeforeResponse() {
    guard let connection = upstream else { return }
    // A pooled connection that the upstream had closed before our bytes reached it: the request
    // was never seen, so it is safe to send it again on a fresh connection, once.
    if connection.reused && connection.bytesWrittenThisExchange == 0 && !retried {
      retryOnFreshConnection(connection)
      return
    }
    releaseUpstream(reusable: false)
    answerAfterHeadSent(ProxyError(.upstreamClosed, .upstream, "upstream closed before responding"))
  }

  private func retryOnFreshConnection(_ dead: UpstreamConnection) {
    let fresh: UpstreamConnection
    do {
      fresh = try worker.pool.connectFresh()
    } catch {
      releaseUpstream(reusable: false)
      answerAfterHeadSent(ProxyError(.upstreamConnectFailed, .upstream, error.description))
      return
    }
    worker.metrics.upstreamRetried()
    let pending = dead.outBuf
    dead.outBuf = fresh.outBuf
    fresh.outBuf = pending
    worker.pool.discard(dead)
    fresh.owner = self
    upstream = fresh
    upstreamEOF = false
    retried = true
    setDeadline(worker.loop.now &+ runtime.connectTimeout, .connect)
  }

  private func upstreamProtocolFailure(_ detail: String) {
    releaseUpstream(reusable: false)
    answerAfterHeadSent(ProxyError(.upstreamProtocol, .upstream, detail))
  }

  /// The upstream closed in the middle of a body: the client must not see a message that looks
  /// complete, so its connection is closed at once.
  private func upstreamTruncated() {
    context.error = ProxyError(.upstreamClosed, .upstream, "upstream closed mid-response")
    releaseUpstream(reusable: false)
    abort()
  }

  private func releaseUpstream(reusable: Bool) {
    guard let connection = upstream else { return }
    upstream = nil
    if reusable {
      worker.pool.release(connection, reusable: true)
    } else {
      worker.pool.discard(connection)
    }
  }

  // MARK: Tunnel

  private func pumpTunnel() -> Bool {
    guard let connection = upstream else {
      close()
      return false
    }
    var progress = false
    let toUpstream = min(inBuf.readable, connection.outBuf.writable)
    if toUpstream > 0 {
      _ = connection.outBuf.append(UnsafeRawBufferPointer(start: inBuf.readPointer, count: toUpstream))
      inBuf.readerIndex += toUpstream
      progress = true
    }
    let input = connection.inBuf
    let toClient = min(input.readable, outBuf.writable)
    if toClient > 0 {
      _ = outBuf.append(UnsafeRawBufferPointer(start: input.readPointer, count: toClient))
      input.readerIndex += toClient
      context.bytesOut += Int64(toClient)
      progress = true
    }
    if clientEOF && inBuf.readable == 0 && connection.outBuf.readable == 0 && !tunnelUpstreamShut {
      tunnelUpstreamShut = true
      Posix.shutdownWrite(connection.fd)
    }
    if upstreamEOF && input.readable == 0 && outBuf.readable == 0 && !tunnelClientShut {
      tunnelClientShut = true
      Posix.shutdownWrite(fd)
    }
    if tunnelClientShut && tunnelUpstreamShut {
      releaseUpstream(reusable: false)
      close()
      return false
    }
    if progress { setDeadline(worker.loop.now &+ runtime.idleTimeout, .tunnel) }
    return progress
  }

  private var tunnelUpstreamShut = false
  private var tunnelClientShut = false

  // MARK: Closing

  private func lingerStep() -> Bool {
    if outBuf.readable > 0 { return false }
    if !lingerShut {
      lingerShut = true
      Posix.shutdownWrite(fd)
    }
    // Discard whatever the client still sends so our answer is not lost to a reset.
    inBuf.clear()
    if clientEOF { close() }
    return false
  }

  private var lingerShut = false

  /// Immediate close of the client (and the exchange's upstream connection).
  func abort() {
    releaseUpstream(reusable: false)
    close()
  }

  func close() {
    guard phase != .closed else { return }
    if context.active {
      context.bytesIn = requestBodyBytes
      if context.status == 0 { context.status = 499 }
      worker.requestFinished(context, routeName: routeName)
      context.active = false
    }
    phase = .closed
    releaseUpstream(reusable: false)
    if let timer { worker.loop.cancel(timer) }
    timer = nil
    if let registration { worker.loop.unregister(registration, fd: fd) }
    registration = nil
    Posix.close(fd)
    worker.connectionClosed(self)
  }

  /// Drain: idle connections close now; busy ones close after their current exchange.
  func beginDrain() {
    switch phase {
    case .awaitingHead where !headStarted && inBuf.readable == 0:
      close()
    default:
      closeAfterResponse = true
    }
  }

  // MARK: I/O helpers

  private func flushClient() -> Bool {
    switch FlushResult.flush(outBuf, to: fd) {
    case .wrote:
      touchDeadline()
      return true
    case .idle:
      return false
    case .failed:
      abort()
      return false
    }
  }

  private func flushUpstream() -> Bool {
    guard let connection = upstream, !connection.connecting else { return false }
    switch connection.flush() {
    case .wrote:
      touchDeadline()
      return true
    case .idle:
      return false
    case .failed:
      if phase == .proxying && !responseHeadDone {
        upstreamEOF = true
        upstreamFailedBeforeResponse()
      } else if phase == .tunnel {
        upstreamEOF = true
        tunnelUpstreamShut = true
      } else {
        upstreamTruncated()
      }
      return true
    }
  }

  private func updateInterest() {
    var wanted: Interest = []
    let canRead = inBuf.writable > 0 || inBuf.readerIndex > 0 || inBuf.readable == 0
    if !clientEOF && canRead && phase != .suspended { wanted.insert(.read) }
    if outBuf.readable > 0 { wanted.insert(.write) }
    if wanted != interest, let registration {
      worker.loop.modify(registration, fd: fd, interest: wanted)
      interest = wanted
    }
    guard let connection = upstream else { return }
    if connection.connecting {
      connection.setInterest([.write])
      return
    }
    var upstreamWanted: Interest = []
    let input = connection.inBuf
    let upstreamCanRead = input.writable > 0 || input.readerIndex > 0 || input.readable == 0
    if !upstreamEOF && upstreamCanRead { upstreamWanted.insert(.read) }
    if connection.outBuf.readable > 0 { upstreamWanted.insert(.write) }
    connection.setInterest(upstreamWanted)
  }

  // MARK: Timeouts

  private func touchDeadline() {
    switch timeoutKind {
    case .connect, .response:
      if upstream?.connecting == true { return }
      deadline = worker.loop.now &+ runtime.responseTimeout
      timeoutKind = .response
    case .tunnel:
      deadline = worker.loop.now &+ runtime.idleTimeout
    case .header, .idle, .linger:
      break
    }
  }

  private func setDeadline(_ at: UInt64, _ kind: TimeoutKind) {
    deadline = at
    timeoutKind = kind
    if timer == nil || at < timerDeadline {
      if let timer { worker.loop.cancel(timer) }
      armTimer(at)
    }
  }

  private func armTimer(_ at: UInt64) {
    timerDeadline = at
    // Strong capture (no weak side table); `close` cancels the timer, which releases it.
    timer = worker.loop.schedule(at: at) { [self] in
      self.timerFired()
    }
  }

  private func timerFired() {
    timer = nil
    guard phase != .closed else { return }
    let now = worker.loop.now
    if now < deadline {
      armTimer(deadline)
      return
    }
    timedOut()
    if phase != .closed { drive() }
  }

  private func timedOut() {
    worker.metrics.timedOut(timeoutKind)
    switch timeoutKind {
    case .header:
      if phase == .awaitingHead && headStarted && inBuf.readable > 0 {
        startLocalContext()
        queueLocalResponse(ProxyError(.headerTimeout, .downstream, "header timeout"), close: true)
        inBuf.clear()
        finishExchange()
      } else {
        close()
      }
    case .idle, .linger:
      close()
    case .connect:
      upstreamConnectFailed("connect timeout")
    case .response:
      if !requestBodyDone && inBuf.readable == 0 && (upstream?.outBuf.readable ?? 0) == 0 {
        // The client stopped sending its body: its fault, not the upstream's.
        context.error = ProxyError(.headerTimeout, .downstream, "request body timeout")
        abort()
      } else {
        releaseUpstream(reusable: false)
        answerAfterHeadSent(ProxyError(.upstreamTimeout, .upstream, "no response within response_timeout"))
      }
    case .tunnel:
      abort()
    }
  }
}
