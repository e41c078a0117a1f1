import EventLoop
import HTTP1
import Net

/// What a request phase sees of the request besides its context: the parsed head and the bytes
/// its offsets point into. Valid during one phase call only (the bytes live in the client's read
/// buffer, which moves on once the head is sent). Everything here is borrowed — the head by its
/// address, the buffers unowned — so making a view for each run of the phases costs no copy
/// and no reference counting.
struct RequestView {
  /// The parsed head's address: `headAddress.pointee` reads it in place where `let h = head`
  /// would copy the struct (and retain its arrays), e.g. inside a closure.
  let headAddress: UnsafePointer<RequestHead>
  /// The parsed head (the exchange's own, read in place).
  var head: RequestHead { unsafeAddress { headAddress } }
  /// The head's bytes: `head.fields[i].name(in: bytes)` and `.value(in: bytes)`.
  let bytes: UnsafeRawBufferPointer
  /// Body bytes already buffered after the head.
  let body: UnsafeRawBufferPointer
  /// How many body bytes the buffer can hold after this head (`.needBody` beyond it never ends).
  let bodyRoom: Int
  /// The client's address (its text is `RequestContext.peerText`).
  let peer: SocketAddress
  /// Loop time of the event being handled.
  let now: UInt64
  /// The lent upstream connection's write buffer; nil before the upstream peer.
  var upstreamOut: ByteBuffer? { upstreamOutReference?.takeUnretainedValue() }
  /// `upstreamOut != nil` without taking a reference (an `unowned(unsafe)` optional was retained
  /// and released to be compared with nil).
  var hasUpstream: Bool { upstreamOutReference != nil }
  /// The buffer, unretained: the driver holds the connection that owns it while the view lives.
  let upstreamOutReference: Unmanaged<ByteBuffer>?
  /// Hands an asynchronous answer back to this request.
  let waker: Waker

  init(
    head: UnsafePointer<RequestHead>, bytes: UnsafeRawBufferPointer, body: UnsafeRawBufferPointer,
    bodyRoom: Int,
    peer: SocketAddress, now: UInt64, upstreamOut: ByteBuffer?, waker: Waker
  ) {
    self.headAddress = head
    self.bytes = bytes
    self.body = body
    self.bodyRoom = bodyRoom
    self.peer = peer
    self.now = now
    self.upstreamOutReference = upstreamOut.map { Unmanaged.passUnretained($0) }
    self.waker = waker
  }

  /// The request target's path (no query).
  var path: UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(rebasing: bytes[head.targetStart..<head.targetStart + head.pathLength])
  }
  /// The request target, query included.
  var target: UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(rebasing: bytes[head.targetStart..<head.targetStart + head.targetLength])
  }
  /// The query (after `?`), empty when the target has none.
  var query: UnsafeRawBufferPointer {
    let start = head.targetStart + head.pathLength + 1
    let end = head.targetStart + head.targetLength
    return start < end
      ? UnsafeRawBufferPointer(rebasing: bytes[start..<end]) : UnsafeRawBufferPointer(rebasing: bytes[0..<0])
  }
  /// The method as sent.
  var methodName: UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(rebasing: bytes[head.methodStart..<head.methodStart + head.methodLength])
  }
}
