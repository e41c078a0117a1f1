import EventLoop

extension ReadOutcome {
  /// One read of a readiness event into `buffer` (FlushResult's counterpart): an empty buffer is
  /// reset to its start, a full one compacted first; with no room at all nothing is read (the
  /// exchange stops asking to read until it has consumed some).
  static func readOnce(into buffer: ByteBuffer, from fd: Int32) -> ReadOutcome {
    if buffer.readable == 0 {
      buffer.clear()
    } else if buffer.writable == 0 {
      guard buffer.readerIndex > 0 else { return .nothing }
      buffer.compact()
    }
    switch buffer.read(from: fd) {
    case .bytes: return .bytes
    case .eof: return .endOfStream
    case .wouldBlock: return .nothing
    case .failed: return .failed
    }
  }
}
