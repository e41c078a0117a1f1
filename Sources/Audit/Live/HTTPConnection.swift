/// One keep-alive connection to the target: requests go out one at a time (after the rate
/// limit), responses are read with `ResponseReader`; bytes after a response wait for the next.
/// Single-thread use.
final class HTTPConnection {
  private let connection: any ProbeConnection
  private let client: AuditHTTPClient
  private var pending: [UInt8] = []
  private var peerClosed = false

  init(_ connection: any ProbeConnection, client: AuditHTTPClient) {
    self.connection = connection
    self.client = client
  }

  deinit { connection.close() }

  /// False once the server closed its side or a response said `Connection: close`.
  private(set) var isUsable = true

  /// Sends `request` and reads its response; also returns the nanoseconds from the first byte
  /// sent to the last byte of the response read (the timing probe's measure).
  func exchange(_ request: ProbeRequest) throws(AuditError) -> (HTTPResponse, elapsed: UInt64) {
    let bytes = client.encode(request)
    let (response, elapsed) = try exchangeRaw(bytes, method: request.method)
    return (response, elapsed)
  }

  /// Sends raw bytes (possibly malformed) and reads one response.
  func exchangeRaw(_ bytes: [UInt8], method: String) throws(AuditError) -> (HTTPResponse, elapsed: UInt64) {
    guard isUsable else { throw AuditError(.io, "the connection was closed by the server") }
    client.waitForRateLimit()
    let start = client.network.monotonicNanos()
    let deadline = start + client.timeout
    try connection.send(bytes, deadline: deadline)
    var reader = ResponseReader(requestMethod: method)
    var input = pending
    pending = []
    while true {
      switch reader.feed(input, atEnd: peerClosed) {
      case .complete(let response, let consumed):
        let elapsed = client.network.monotonicNanos() - start
        pending = reader.remainder(after: consumed)
        if !response.keepAlive || (peerClosed && pending.isEmpty) { isUsable = false }
        return (response, elapsed)
      case .failed(let reason):
        isUsable = false
        throw AuditError(.malformedResponse, reason)
      case .needMore:
        if peerClosed { throw AuditError(.io, "closed before a whole response") }
        input = try connection.receive(deadline: deadline)
        if input.isEmpty { peerClosed = true }
      }
    }
  }

  /// True when the server closes the connection before `deadline` with nothing more to say
  /// (what a refused request must get), false when it stays open or sends more.
  func closesSoon(within nanoseconds: UInt64) -> Bool {
    if peerClosed { return pending.isEmpty }
    guard pending.isEmpty else { return false }
    let deadline = client.network.monotonicNanos() + nanoseconds
    do {
      let more = try connection.receive(deadline: deadline)
      if more.isEmpty { peerClosed = true }
      return more.isEmpty
    } catch {
      // A reset is a close too; silence is not.
      return error.kind != .timeout
    }
  }

  func close() {
    isUsable = false
    connection.close()
  }
}
