import EventLoop
import HTTP1

/// What a response phase sees of the upstream's response: the parsed head, its bytes, and the
/// framing the exchange decided for the client. Valid during one phase call only; borrowed like
/// `RequestView` (no copy, no reference counting).
struct ResponseView {
  enum Kind: Equatable {
    /// 1xx other than 101 (100 Continue, 103 Early Hints): relayed, the final head follows.
    case interim
    /// 101: the connection becomes a tunnel after this head.
    case switchingProtocols
    /// The response (status 200 and above).
    case final
  }

  private let headAddress: UnsafePointer<ResponseHead>
  /// The parsed head (the exchange's own, read in place).
  var head: ResponseHead { unsafeAddress { headAddress } }
  /// The head's bytes: `head.fields[i].name(in: bytes)` and `.value(in: bytes)`.
  let bytes: UnsafeRawBufferPointer
  let kind: Kind
  /// How the body reaches the client (final responses).
  let framing: ClientBodyFraming
  /// The client connection closes after this response.
  let close: Bool
  /// Keep `Content-Length` of a body-less response (HEAD, 304).
  let keepSizeField: Bool
  let now: UInt64
  /// Where the client's response head goes.
  var clientOut: ByteBuffer { clientOutReference.takeUnretainedValue() }
  /// The same buffer, unretained (the exchange holds it while the view lives):
  /// `_withUnsafeGuaranteedRef` lends it to a call without a retain and a release.
  let clientOutReference: Unmanaged<ByteBuffer>
  let waker: Waker

  init(
    head: UnsafePointer<ResponseHead>, bytes: UnsafeRawBufferPointer, kind: Kind, framing: ClientBodyFraming,
    close: Bool, keepSizeField: Bool, now: UInt64, clientOut: ByteBuffer, waker: Waker
  ) {
    self.headAddress = head
    self.bytes = bytes
    self.kind = kind
    self.framing = framing
    self.close = close
    self.keepSizeField = keepSizeField
    self.now = now
    self.clientOutReference = Unmanaged.passUnretained(clientOut)
    self.waker = waker
  }
}
