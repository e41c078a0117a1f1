import EventLoop
import HTTP1

/// One step of moving a chunked body from a read buffer: decode the next piece and copy its data
/// to `output` — re-chunked (`rechunk`), raw, or dropped (`output` nil, for a drained body).
/// Chunk extensions and trailers are never copied. `BodyRelay` uses it for all three body paths
/// (request upstream, response downstream, refused request drained); the exchange keeps the
/// policy (limits, accounting, what a stall or failure means). Loop-thread only.
enum ChunkedRelay {
  enum Step {
    /// `count` data bytes moved (or dropped).
    case data(Int)
    /// Framing bytes were consumed; call again.
    case framing
    /// Nothing can move: more input is needed, or the output is full. `needsAllInput`: the
    /// decoder saw every readable byte and still needs more (at EOF, the body is truncated).
    case stalled(needsAllInput: Bool)
    /// The last chunk (and trailers) went by; the re-chunked terminator was written.
    case finished
    case failed(HTTPParseError)
  }

  /// Room kept free in the output for a chunk header and its CRLFs.
  static let framingReserve = 40

  static func step(
    _ decoder: inout ChunkedDecoder, from input: ByteBuffer, to output: ByteBuffer?, rechunk: Bool
  ) -> Step {
    let window = output.map { min(input.readable, $0.writable - framingReserve) } ?? input.readable
    guard window > 0 else { return .stalled(needsAllInput: false) }
    let view = UnsafeRawBufferPointer(start: input.readPointer, count: window)
    switch decoder.decode(view) {
    case .data(let offset, let count):
      if let output {
        if rechunk { _ = output.appendHex(count) && output.append("\r\n") }
        _ = output.append(UnsafeRawBufferPointer(start: input.readPointer + offset, count: count))
        if rechunk { _ = output.append("\r\n") }
      }
      input.readerIndex += offset + count
      return .data(count)
    case .needMore(let consumed):
      input.readerIndex += consumed
      return consumed > 0 ? .framing : .stalled(needsAllInput: window == input.readable)
    case .end(let consumed):
      input.readerIndex += consumed
      if rechunk, let output { _ = output.append("0\r\n\r\n") }
      return .finished
    case .failed(let error):
      return .failed(error)
    }
  }
}
