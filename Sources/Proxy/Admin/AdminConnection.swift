import EventLoop
import HTTP1

/// One admin client: reads body-less HTTP/1.1 requests into a fixed buffer, answers them
/// through `AdminEndpoints`, keeps the connection for the next request unless asked to close.
/// A head must arrive within `headerTimeout`; an idle kept-alive connection closes after
/// `idleTimeout`. Requests with a body are refused (400) and the connection closed, except a
/// small Content-Length body for an endpoint that takes one (`PUT /migration`), read whole into
/// the same buffer before answering. Loop-thread only (the admin loop).
final class AdminConnection: EventHandler {
  static let headLimits = HeadLimits(maxRequestLineBytes: 2048, maxHeaderBytes: 8192, maxHeaders: 50)

  unowned let server: AdminServer
  let fd: Int32
  private var registration: Registration?
  private let inBuf = ByteBuffer(capacity: 8192)
  private var parser = HeadParser(limits: AdminConnection.headLimits)
  private var head = RequestHead()
  private var pending: [UInt8] = []
  private var pendingOffset = 0
  private var closeAfterWrite = false
  private var closed = false
  private var timer: TimerID?
  private var writeInterest = false
  /// An answer is being computed elsewhere (worker 0's loop): parse nothing more until it is
  /// delivered (`deliver`), so answers keep request order.
  private var awaiting: (keepAlive: Bool, headOnly: Bool, id: UInt64)?
  private var requestCounter: UInt64 = 0

  init(server: AdminServer, fd: Int32) {
    self.server = server
    self.fd = fd
  }

  func start() {
    registration = server.loop.register(fd: fd, interest: [.read], handler: self)
    arm(server.idleTimeout)
  }

  func handle(_ events: Events) {
    guard !closed else { return }
    if events.isReadable || events.isHangup || events.isError {
      if !closeAfterWrite && awaiting == nil { readAndAnswer() }
    }
    guard !closed else { return }
    flush()
  }

  private func readAndAnswer() {
    if inBuf.readable == 0 { inBuf.clear() } else if inBuf.writable == 0 { inBuf.compact() }
    switch inBuf.read(from: fd) {
    case .bytes:
      arm(server.headerTimeout)
    case .eof, .failed:
      close()
      return
    case .wouldBlock:
      return
    }
    answerBuffered()
  }

  private func answerBuffered() {
    while !closeAfterWrite && awaiting == nil && inBuf.readable > 0 {
      let view = UnsafeRawBufferPointer(start: inBuf.readPointer, count: inBuf.readable)
      switch parser.parseRequest(view, into: &head) {
      case .incomplete:
        if inBuf.writable == 0 && inBuf.readerIndex == 0 {
          queue(.text(431, "request header fields too large"), keepAlive: false, headOnly: false)
        }
        return
      case .failed(let error):
        queue(.text(error.status, "bad request"), keepAlive: false, headOnly: false)
        return
      case .complete:
        guard answer(view) else {
          // The head is in, its body not yet: parse the head again once more bytes arrived.
          parser.reset()
          return
        }
      }
    }
  }

  /// Answers the parsed head; false when its body has not fully arrived yet (call again).
  @discardableResult
  private func answer(_ view: UnsafeRawBufferPointer) -> Bool {
    let headOnly = head.method == .head
    var request = Self.request(head, in: view)
    var bodyLength = 0
    switch head.framing {
    case .none, .contentLength(0): break
    case .contentLength(let length)
    where AdminEndpoints.Endpoint(request.path).takesBody && length <= Int64(MigrationAdmin.maxBodyBytes):
      bodyLength = Int(length)
    default:
      queue(.text(400, "request body not accepted"), keepAlive: false, headOnly: headOnly)
      return true
    }
    if head.upgrade || head.expectContinue {
      queue(.text(400, "request body not accepted"), keepAlive: false, headOnly: headOnly)
      return true
    }
    guard head.headLength + bodyLength <= inBuf.capacity else {
      queue(.text(413, "request too large"), keepAlive: false, headOnly: headOnly)
      return true
    }
    guard view.count >= head.headLength + bodyLength else { return false }
    request.body = Array(
      UnsafeRawBufferPointer(rebasing: view[head.headLength..<head.headLength + bodyLength]))
    requestCounter &+= 1
    let id = requestCounter
    let server = self.server
    let key = ObjectIdentifier(self)
    let response = server.endpoints.respond(request) { late in
      server.loop.execute { server.deliver(late, to: key, request: id) }
    }
    let keepAlive = head.keepAlive && !server.stopping
    inBuf.readerIndex += head.headLength + bodyLength
    parser.reset()
    guard let response else {
      awaiting = (keepAlive, headOnly, id)
      if let timer { server.loop.cancel(timer) }
      timer = nil
      return true
    }
    queue(response, keepAlive: keepAlive, headOnly: headOnly)
    if keepAlive { arm(server.idleTimeout) }
    return true
  }

  /// The target and the fields the admin API reads, in one pass over the head's fields.
  static func request(_ head: RequestHead, in view: UnsafeRawBufferPointer) -> AdminRequest {
    let path = Array(
      UnsafeRawBufferPointer(rebasing: view[head.targetStart..<head.targetStart + head.pathLength]))
    let queryStart = head.targetStart + head.pathLength + 1
    let queryEnd = head.targetStart + head.targetLength
    let query =
      queryStart < queryEnd ? Array(UnsafeRawBufferPointer(rebasing: view[queryStart..<queryEnd])) : []
    var request = AdminRequest(method: head.method, path: path, query: query)
    for field in head.fields {
      let name = field.name(in: view)
      if request.authorization == nil && FieldName.equals(name, "authorization") {
        request.authorization = Array(field.value(in: view))
      } else if FieldName.equals(name, "cookie") {
        let value = Array(field.value(in: view))
        request.cookie = request.cookie.map { $0 + Array("; ".utf8) + value } ?? value
      } else if request.csrfToken == nil && FieldName.equals(name, "x-csrf-token") {
        request.csrfToken = Array(field.value(in: view))
      } else if request.fetchSite == nil && FieldName.equals(name, "sec-fetch-site") {
        request.fetchSite = Array(field.value(in: view))
      }
    }
    return request
  }

  /// A late answer (admin loop): write it, then go on with any pipelined requests.
  func deliver(_ response: AdminResponse, request id: UInt64) {
    guard !closed, let pending = awaiting, pending.id == id else { return }
    awaiting = nil
    let keep = pending.keepAlive && !server.stopping
    queue(response, keepAlive: keep, headOnly: pending.headOnly)
    if keep { arm(server.idleTimeout) }
    answerBuffered()
    flush()
  }

  private func queue(_ response: AdminResponse, keepAlive: Bool, headOnly: Bool) {
    if pendingOffset == pending.count {
      pending.removeAll(keepingCapacity: true)
      pendingOffset = 0
    }
    pending += response.serialized(keepAlive: keepAlive, headOnly: headOnly)
    if !keepAlive { closeAfterWrite = true }
  }

  private func flush() {
    while pendingOffset < pending.count {
      let status = pending.withUnsafeBytes { raw in
        Posix.write(fd, raw.baseAddress! + pendingOffset, raw.count - pendingOffset)
      }
      switch status {
      case .bytes(let count):
        pendingOffset += count
      case .wouldBlock:
        setWriteInterest(true)
        return
      case .eof, .failed:
        close()
        return
      }
    }
    setWriteInterest(false)
    if closeAfterWrite { close() }
  }

  private func setWriteInterest(_ wanted: Bool) {
    guard wanted != writeInterest, let registration else { return }
    writeInterest = wanted
    server.loop.modify(registration, fd: fd, interest: wanted ? [.read, .write] : [.read])
  }

  private func arm(_ timeout: UInt64) {
    if let timer { server.loop.cancel(timer) }
    timer = server.loop.schedule(at: server.loop.now &+ timeout) { [weak self] in
      guard let self, !self.closed else { return }
      self.timer = nil
      self.close()
    }
  }

  func close() {
    guard !closed else { return }
    closed = true
    if let timer { server.loop.cancel(timer) }
    timer = nil
    if let registration { server.loop.unregister(registration, fd: fd) }
    registration = nil
    Posix.close(fd)
    server.connectionClosed(self)
  }
}
