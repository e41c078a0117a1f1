/// One step of `ChunkedDecoder.decode`. Immutable value.
public enum ChunkedEvent: Equatable, Sendable {
  /// Payload bytes at `buffer[offset..<offset+count]` (count > 0); consume `offset + count` bytes.
  case data(offset: Int, count: Int)
  /// `consumed` framing bytes were used (all of the input); call again with more.
  case needMore(consumed: Int)
  /// The last chunk and the trailer section ended after `consumed` bytes; the next message follows.
  case end(consumed: Int)
  case failed(HTTPParseError)
}
