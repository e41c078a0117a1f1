import HTTP1

/// The chunked decoder fed the way the proxy feeds it (the unconsumed input, grown at each cut):
/// whole, byte by byte and at seeded cuts give the same body, outcome and leftover; data events
/// never point outside the input; `needMore` always consumes everything it was given.
enum ChunkedFuzz {
  enum Outcome: Equatable {
    case end(body: [UInt8], consumed: Int)
    case failed(HTTPParseError.Kind, body: [UInt8])
    case incomplete(body: [UInt8])
  }

  static func run(_ data: UnsafeRawBufferPointer) {
    let maxTrailerBytes = (data.first ?? 0) & 1 == 1 ? 64 : 16384
    let whole = decode(data, maxTrailerBytes: maxTrailerBytes, cuts: [data.count])
    let bytewise = decode(data, maxTrailerBytes: maxTrailerBytes, cuts: Splits.byteByByte(total: data.count))
    var splits = Splits(seedFrom: data)
    let split = decode(data, maxTrailerBytes: maxTrailerBytes, cuts: splits.cuts(total: data.count))
    FuzzCheck.require(whole == bytewise, "chunked: whole \(whole) != byte by byte \(bytewise)")
    FuzzCheck.require(whole == split, "chunked: whole \(whole) != split \(split)")
  }

  static func decode(_ data: UnsafeRawBufferPointer, maxTrailerBytes: Int, cuts: [Int]) -> Outcome {
    var decoder = ChunkedDecoder(maxTrailerBytes: maxTrailerBytes)
    var body: [UInt8] = []
    var consumed = 0
    var remaining = cuts[...]
    var available = remaining.popFirst() ?? 0
    while true {
      let window = UnsafeRawBufferPointer(rebasing: data[consumed..<available])
      switch decoder.decode(window) {
      case .data(let offset, let count):
        FuzzCheck.require(
          count > 0 && offset >= 0 && offset + count <= window.count, "data event outside input")
        body += window[offset..<(offset + count)]
        consumed += offset + count
      case .needMore(let used):
        FuzzCheck.require(used == window.count, "needMore left \(window.count - used) bytes unconsumed")
        consumed += used
        guard let next = remaining.popFirst() else { return .incomplete(body: body) }
        available = next
      case .end(let used):
        FuzzCheck.require(used >= 0 && used <= window.count, "end consumed outside input")
        FuzzCheck.require(decoder.isFinished, "end without isFinished")
        return .end(body: body, consumed: consumed + used)
      case .failed(let error):
        return .failed(error.kind, body: body)
      }
    }
  }
}
