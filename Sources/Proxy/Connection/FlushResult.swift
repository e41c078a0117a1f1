import EventLoop
import Glibc

/// The outcome of one attempt to write a buffer's readable bytes to a socket.
enum FlushResult {
  /// `n` bytes went out (the buffer may still hold more).
  case wrote(Int)
  /// Nothing to write, or the socket is full.
  case idle
  case failed(Int32)

  /// One write of `buffer`'s readable bytes; an emptied buffer is reset to the start.
  @inline(__always)
  static func flush(_ buffer: ByteBuffer, to fd: Int32) -> FlushResult {
    guard buffer.readable > 0 else { return .idle }
    switch buffer.write(to: fd) {
    case .bytes(let n):
      if buffer.readable == 0 { buffer.clear() }
      return .wrote(n)
    case .wouldBlock: return .idle
    case .eof: return .failed(EPIPE)
    case .failed(let code): return .failed(code)
    }
  }
}
