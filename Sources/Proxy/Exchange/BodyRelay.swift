import EventLoop
import HTTP1

/// One message body on its way through an exchange: how it is delimited, how much of it is left,
/// and how many data bytes went by. It moves bytes from a read buffer to a write buffer —
/// `Content-Length`, chunked (re-chunked or de-chunked on the way) and until-close bodies — or
/// drops them (the body of a request that was answered locally). It only moves bytes and reports
/// what happened; the exchange decides what a limit, a stall or the end of the input means.
/// Loop-thread only (it works on the connection's buffers).
struct BodyRelay {
  enum Framing: Equatable {
    case none
    /// This many bytes are still to come.
    case length(Int64)
    case chunked
    /// Until the sender closes (responses only).
    case untilClose
  }

  /// What one call moved.
  enum Outcome: Equatable {
    /// Nothing could move (no input, or no room in the output).
    case idle
    /// Body or framing bytes moved; `done` may now be true.
    case moved
    /// The input ended inside the body.
    case truncated
    /// The chunked framing is broken.
    case malformed(HTTPParseError)
    /// More data bytes went by than `limit` allows (the bytes that crossed it were moved).
    case overLimit
  }

  /// What one call of `drain` did.
  enum DrainOutcome: Equatable {
    /// No input to drop.
    case idle
    case dropped
    /// A partial chunk line waits for more bytes.
    case stalled
    /// The body is not worth reading to its end (broken framing, or over the drain budget):
    /// `done` is now true and the connection has to close after the answer.
    case abandoned
  }

  private(set) var framing: Framing = .none
  private var decoder = ChunkedDecoder()
  /// True once the whole body went by, or when there is none (or the exchange gave up on it).
  var done = true
  /// Data bytes relayed so far (chunk framing not counted; drained bytes are not relayed).
  private(set) var bytes: Int64 = 0
  /// How many more bytes `drain` may drop before the body is abandoned.
  var drainBudget: Int64 = 0

  init() {}

  /// A request body. A request without `Content-Length` or chunked coding has none, and
  /// `Content-Length: 0` is none.
  init(request framing: BodyFraming) {
    switch framing {
    case .contentLength(let length) where length > 0: self.framing = .length(length)
    case .chunked: self.framing = .chunked
    case .contentLength, .none, .untilClose: self.framing = .none
    }
    done = self.framing == .none
  }

  /// A response body.
  init(response framing: BodyFraming) {
    switch framing {
    case .contentLength(let length) where length > 0: self.framing = .length(length)
    case .chunked: self.framing = .chunked
    case .untilClose: self.framing = .untilClose
    case .contentLength, .none: self.framing = .none
    }
    done = self.framing == .none
  }

  /// Moves what can move from `input` to `output`. `rechunk`: the output is chunked (chunked
  /// input keeps its data and gets fresh framing; until-close input is framed chunk by chunk).
  /// `inputEnded`: the sender closed, so a body that is not complete once `input` is empty is
  /// truncated. `limit` (> 0) caps the data bytes of a chunked body.
  mutating func relay(
    from input: ByteBuffer, to output: ByteBuffer, rechunk: Bool, inputEnded: Bool, limit: Int64 = 0
  ) -> Outcome {
    guard !done else { return .idle }
    if output.writable < 64 && output.readerIndex > 0 { output.compact() }
    switch framing {
    case .length(let remaining):
      let count = min(Int64(input.readable), remaining, Int64(output.writable))
      if count > 0 {
        _ = output.append(UnsafeRawBufferPointer(start: input.readPointer, count: Int(count)))
        input.readerIndex += Int(count)
        bytes += count
        framing = .length(remaining - count)
        done = remaining == count
      }
      if !done && inputEnded && input.readable == 0 { return .truncated }
      return count > 0 ? .moved : .idle
    case .chunked:
      var progress = false
      relay: while !done {
        switch ChunkedRelay.step(&decoder, from: input, to: output, rechunk: rechunk) {
        case .data(let count):
          bytes += Int64(count)
          progress = true
          if limit > 0 && bytes > limit { return .overLimit }
        case .framing:
          progress = true
        case .stalled(let needsAllInput):
          if needsAllInput && inputEnded { return .truncated }
          break relay
        case .finished:
          done = true
          progress = true
        case .failed(let error):
          return .malformed(error)
        }
      }
      if !done && inputEnded && input.readable == 0 { return .truncated }
      return progress ? .moved : .idle
    case .untilClose:
      return relayUntilClose(from: input, to: output, rechunk: rechunk, inputEnded: inputEnded)
    case .none:
      done = true
      return .idle
    }
  }

  /// A close-delimited body: raw, or framed chunk by chunk for an HTTP/1.1 client (room is kept
  /// for each chunk's size line and CRLFs). The sender's close ends it.
  private mutating func relayUntilClose(
    from input: ByteBuffer, to output: ByteBuffer, rechunk: Bool, inputEnded: Bool
  ) -> Outcome {
    let room = rechunk ? output.writable - ChunkedRelay.framingReserve : output.writable
    let count = min(input.readable, room)
    var progress = false
    if count > 0 {
      if rechunk { _ = output.appendHex(count) && output.append("\r\n") }
      _ = output.append(UnsafeRawBufferPointer(start: input.readPointer, count: count))
      if rechunk { _ = output.append("\r\n") }
      input.readerIndex += count
      bytes += Int64(count)
      progress = true
    }
    if inputEnded && input.readable == 0 {
      if rechunk { _ = output.append("0\r\n\r\n") }
      done = true
      progress = true
    }
    return progress ? .moved : .idle
  }

  /// Reads and drops body bytes from `input` (the request was answered locally and the
  /// connection is kept: its next request starts after this body). Dropped bytes count against
  /// `drainBudget`, not `bytes`.
  mutating func drain(from input: ByteBuffer) -> DrainOutcome {
    guard !done else { return .idle }
    switch framing {
    case .length(let remaining):
      let count = min(Int64(input.readable), remaining)
      guard count > 0 else { return .idle }
      input.readerIndex += Int(count)
      drainBudget -= count
      framing = .length(remaining - count)
      done = remaining == count
      return .dropped
    case .chunked:
      var progress = false
      while !done && input.readable > 0 {
        switch ChunkedRelay.step(&decoder, from: input, to: nil, rechunk: false) {
        case .data(let count):
          drainBudget -= Int64(count)
          progress = true
        case .framing:
          progress = true
        case .stalled:
          return progress ? .dropped : .stalled
        case .finished:
          done = true
          progress = true
        case .failed:
          done = true
          return .abandoned
        }
        if drainBudget < 0 {
          done = true
          return .abandoned
        }
      }
      return progress ? .dropped : .idle
    case .none, .untilClose:
      done = true
      return .dropped
    }
  }
}
