import HTTP1

/// Request and response heads: whole, byte by byte and at seeded random cuts must give the same
/// outcome (the parser's contract: no decision looks past the byte it examines), and a parsed
/// head's offsets must lie inside the head and describe well-formed pieces.
enum HeadFuzz {
  /// Everything observable about a parse, as plain values.
  enum Outcome: Equatable {
    case incomplete
    case failed(HTTPParseError.Kind)
    case request(RequestSnapshot)
    case response(ResponseSnapshot)
  }

  struct RequestSnapshot: Equatable {
    var method: HTTPMethod, methodStart: Int, methodLength: Int
    var targetStart: Int, targetLength: Int, pathLength: Int, versionMinor: Int
    var fields: [HTTPField], framing: BodyFraming, keepAlive: Bool, expectContinue: Bool, upgrade: Bool
    var hostIndex: Int, headLength: Int

    init(_ head: RequestHead) {
      method = head.method
      methodStart = head.methodStart
      methodLength = head.methodLength
      targetStart = head.targetStart
      targetLength = head.targetLength
      pathLength = head.pathLength
      versionMinor = head.versionMinor
      fields = head.fields
      framing = head.framing
      keepAlive = head.keepAlive
      expectContinue = head.expectContinue
      upgrade = head.upgrade
      hostIndex = head.hostIndex
      headLength = head.headLength
    }
  }

  struct ResponseSnapshot: Equatable {
    var status: Int, versionMinor: Int, reasonStart: Int, reasonLength: Int
    var fields: [HTTPField], framing: BodyFraming, keepAlive: Bool, upgrade: Bool, headLength: Int

    init(_ head: ResponseHead) {
      status = head.status
      versionMinor = head.versionMinor
      reasonStart = head.reasonStart
      reasonLength = head.reasonLength
      fields = head.fields
      framing = head.framing
      keepAlive = head.keepAlive
      upgrade = head.upgrade
      headLength = head.headLength
    }
  }

  /// Small limits when the last byte is odd, so the 414/431 paths are reached with short inputs
  /// (a seed that ends its head with LF gets the defaults).
  static func limits(_ data: UnsafeRawBufferPointer) -> HeadLimits {
    guard let last = data.last, last & 1 == 1 else { return HeadLimits() }
    return HeadLimits(maxRequestLineBytes: 40, maxHeaderBytes: 120, maxHeaders: 4, maxMethodBytes: 8)
  }

  static func request(_ data: UnsafeRawBufferPointer) {
    let limits = limits(data)
    let whole = parseRequest(data, limits: limits, cuts: [data.count])
    let bytewise = parseRequest(data, limits: limits, cuts: Splits.byteByByte(total: data.count))
    var splits = Splits(seedFrom: data)
    let split = parseRequest(data, limits: limits, cuts: splits.cuts(total: data.count))
    FuzzCheck.require(whole == bytewise, "request: whole \(whole) != byte by byte \(bytewise)")
    FuzzCheck.require(whole == split, "request: whole \(whole) != split \(split)")
    if case .request(let head) = whole { checkRequest(head, data) }
  }

  static func response(_ data: UnsafeRawBufferPointer) {
    let methods: [HTTPMethod] = [.get, .head, .post, .connect]
    let method = methods[Int(data.last ?? 0) % methods.count]
    let whole = parseResponse(data, method: method, cuts: [data.count])
    let bytewise = parseResponse(data, method: method, cuts: Splits.byteByByte(total: data.count))
    var splits = Splits(seedFrom: data)
    let split = parseResponse(data, method: method, cuts: splits.cuts(total: data.count))
    FuzzCheck.require(whole == bytewise, "response: whole \(whole) != byte by byte \(bytewise)")
    FuzzCheck.require(whole == split, "response: whole \(whole) != split \(split)")
    if case .response(let head) = whole {
      FuzzCheck.require(head.status >= 100 && head.status <= 599, "status \(head.status)")
      FuzzCheck.require(head.reasonStart + head.reasonLength <= head.headLength, "reason outside the head")
      checkFields(head.fields, data, headLength: head.headLength)
    }
  }

  static func parseRequest(_ data: UnsafeRawBufferPointer, limits: HeadLimits, cuts: [Int]) -> Outcome {
    var parser = HeadParser(limits: limits)
    var head = RequestHead()
    for cut in cuts {
      switch parser.parseRequest(UnsafeRawBufferPointer(rebasing: data[0..<cut]), into: &head) {
      case .incomplete: continue
      case .failed(let error): return .failed(error.kind)
      case .complete: return .request(RequestSnapshot(head))
      }
    }
    return .incomplete
  }

  static func parseResponse(_ data: UnsafeRawBufferPointer, method: HTTPMethod, cuts: [Int]) -> Outcome {
    var parser = HeadParser(limits: HeadLimits())
    var head = ResponseHead()
    for cut in cuts {
      switch parser.parseResponse(
        UnsafeRawBufferPointer(rebasing: data[0..<cut]), requestMethod: method, into: &head)
      {
      case .incomplete: continue
      case .failed(let error): return .failed(error.kind)
      case .complete: return .response(ResponseSnapshot(head))
      }
    }
    return .incomplete
  }

  static func checkRequest(_ head: RequestSnapshot, _ data: UnsafeRawBufferPointer) {
    FuzzCheck.require(head.headLength <= data.count, "head longer than the input")
    FuzzCheck.require(head.methodLength > 0 && head.methodLength <= 32, "method length \(head.methodLength)")
    FuzzCheck.require(head.targetStart + head.targetLength <= head.headLength, "target outside the head")
    FuzzCheck.require(head.pathLength <= head.targetLength, "path longer than the target")
    FuzzCheck.require(head.versionMinor == 0 || head.versionMinor == 1, "version 1.\(head.versionMinor)")
    if head.versionMinor == 1 { FuzzCheck.require(head.hostIndex >= 0, "HTTP/1.1 without Host") }
    if case .contentLength(let length) = head.framing { FuzzCheck.require(length >= 0, "negative length") }
    let target = UnsafeRawBufferPointer(
      rebasing: data[head.targetStart..<(head.targetStart + head.pathLength)])
    FuzzCheck.require(!containsDotSegment(target), "dot segment in a parsed path")
    checkFields(head.fields, data, headLength: head.headLength)
  }

  /// Names are tokens without '%'; values hold no CR, LF, NUL or other control byte but HTAB and
  /// have no surrounding whitespace.
  static func checkFields(_ fields: [HTTPField], _ data: UnsafeRawBufferPointer, headLength: Int) {
    for field in fields {
      let nameEnd = Int(field.nameStart + field.nameLength)
      let valueEnd = Int(field.valueStart + field.valueLength)
      FuzzCheck.require(field.nameLength > 0 && nameEnd <= headLength, "field name outside the head")
      FuzzCheck.require(
        valueEnd <= headLength && field.valueStart >= field.nameStart, "value outside the head")
      for b in field.name(in: data) {
        FuzzCheck.require(
          b > 0x20 && b < 0x7F && b != UInt8(ascii: ":") && b != UInt8(ascii: "%"), "name byte \(b)")
      }
      let value = field.value(in: data)
      for b in value {
        FuzzCheck.require(b >= 0x20 && b != 0x7F || b == 0x09, "value byte \(b)")
      }
      if let first = value.first, let last = value.last {
        FuzzCheck.require(first != 0x20 && first != 0x09 && last != 0x20 && last != 0x09, "untrimmed value")
      }
    }
  }

  /// A `.` or `..` segment, literal or percent-encoded.
  static func containsDotSegment(_ path: UnsafeRawBufferPointer) -> Bool {
    var decoded: [UInt8] = []
    var index = 0
    while index < path.count {
      if path[index] == UInt8(ascii: "%"), index + 2 < path.count,
        let value = UInt8(String(decoding: path[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
      {
        decoded.append(value)
        index += 3
      } else {
        decoded.append(path[index])
        index += 1
      }
    }
    return decoded.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).contains {
      $0.elementsEqual([UInt8(ascii: ".")]) || $0.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")])
    }
  }
}
