import EventLoop

/// The two-way byte pipe after a `101 Switching Protocols` (WebSocket): bytes go both ways
/// unparsed, each side is half-closed once its peer has ended and every byte before the end was
/// passed on, and the tunnel is over when both sides are shut. Loop-thread only (it works on the
/// connection's buffers).
struct Tunnel {
  /// What one `pump` did.
  struct Step {
    /// Bytes moved upstream → client (counted as the response body).
    var toClient = 0
    var progress = false
    /// Half-close the upstream's side now (the client ended and everything it sent went up).
    var shutUpstream = false
    /// Half-close the client's side now (the upstream ended and everything it sent went down).
    var shutClient = false
    /// Both sides are shut: close everything.
    var finished = false
  }

  /// The upstream's write side is shut (or unusable: a write to it failed).
  var upstreamShut = false
  private(set) var clientShut = false

  mutating func pump(
    clientIn: ByteBuffer, clientOut: ByteBuffer, upstreamIn: ByteBuffer, upstreamOut: ByteBuffer,
    clientEnded: Bool, upstreamEnded: Bool
  ) -> Step {
    var step = Step()
    let toUpstream = min(clientIn.readable, upstreamOut.writable)
    if toUpstream > 0 {
      _ = upstreamOut.append(UnsafeRawBufferPointer(start: clientIn.readPointer, count: toUpstream))
      clientIn.readerIndex += toUpstream
      step.progress = true
    }
    let toClient = min(upstreamIn.readable, clientOut.writable)
    if toClient > 0 {
      _ = clientOut.append(UnsafeRawBufferPointer(start: upstreamIn.readPointer, count: toClient))
      upstreamIn.readerIndex += toClient
      step.toClient = toClient
      step.progress = true
    }
    if clientEnded && clientIn.readable == 0 && upstreamOut.readable == 0 && !upstreamShut {
      upstreamShut = true
      step.shutUpstream = true
    }
    if upstreamEnded && upstreamIn.readable == 0 && clientOut.readable == 0 && !clientShut {
      clientShut = true
      step.shutClient = true
    }
    step.finished = clientShut && upstreamShut
    return step
  }
}
