import EventLoop

/// The exchange's side of the upstream connection it was lent: that connection's two buffers
/// (handed over by the driver — the exchange moves bytes in and out of them, the driver reads
/// and flushes them) and what the exchange learned about the connection from events. No socket
/// here, so an exchange test attaches two plain buffers. The buffers are unowned: whoever lent
/// them (the driver, holding the connection) keeps them alive while they are lent, and copying a
/// link costs no reference counting. Loop-thread only.
struct UpstreamLink {
  /// Bytes from the upstream; response heads are parsed in place here.
  unowned(unsafe) let input: ByteBuffer
  /// Bytes for the upstream: the rewritten request head, then body bytes.
  unowned(unsafe) let output: ByteBuffer
  /// The non-blocking connect has not finished yet: nothing can be flushed.
  var connecting: Bool
  /// The connection came from the pool (it served an earlier exchange and may have been closed
  /// by the upstream since).
  let reused: Bool
  /// Bytes flushed to the upstream during this exchange (0: the upstream never saw the request).
  var bytesWritten = 0
  /// The upstream closed its side, or a read from it failed.
  var ended = false

  init(input: ByteBuffer, output: ByteBuffer, connecting: Bool, reused: Bool) {
    self.input = input
    self.output = output
    self.connecting = connecting
    self.reused = reused
  }
}
