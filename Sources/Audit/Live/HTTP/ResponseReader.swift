import HTTP1

/// Reads one response from the bytes of a connection as they arrive, with HTTP1's strict parser
/// and chunked decoder (so a response Gatehouse itself would refuse from an upstream is refused
/// here too). Interim 1xx responses are skipped. Pure state: feed it bytes, ask for the result.
struct ResponseReader {
  enum Step: Equatable {
    case needMore
    /// The response and how many of the fed bytes it used (the rest belongs to the next one).
    case complete(HTTPResponse, consumed: Int)
    case failed(String)
  }

  private let requestMethod: HTTPMethod
  private var buffer: [UInt8] = []
  /// Where the current head starts (after skipped 1xx responses).
  private var headStart = 0
  private var parser = HeadParser(
    limits: HeadLimits(maxRequestLineBytes: 8192, maxHeaderBytes: 65536, maxHeaders: 500))
  private var head = ResponseHead()
  private var parsed:
    (status: Int, headers: [HTTPHeader], framing: BodyFraming, keepAlive: Bool, bodyStart: Int)?
  private var chunked = ChunkedDecoder()
  private var chunkedPosition = 0
  private var body: [UInt8] = []

  init(requestMethod: String) {
    switch requestMethod {
    case "HEAD": self.requestMethod = .head
    case "GET": self.requestMethod = .get
    case "POST": self.requestMethod = .post
    default: self.requestMethod = .other
    }
  }

  /// Adds bytes from the connection; `atEnd` when the peer closed its side.
  mutating func feed(_ bytes: [UInt8], atEnd: Bool) -> Step {
    buffer += bytes
    while parsed == nil {
      let result = buffer[headStart...].withUnsafeBytes { raw in
        parser.parseResponse(raw, requestMethod: requestMethod, into: &head)
      }
      switch result {
      case .incomplete:
        return atEnd
          ? .failed(buffer.count == headStart ? "closed without a response" : "closed inside the head")
          : .needMore
      case .failed(let error):
        return .failed("unreadable response head: \(error.kind.rawValue)")
      case .complete:
        let headers = buffer[headStart...].withUnsafeBytes { raw in
          head.fields.map {
            HTTPHeader(
              String(decoding: $0.name(in: raw), as: UTF8.self),
              String(decoding: $0.value(in: raw), as: UTF8.self))
          }
        }
        if head.status < 200 && head.status != 101 {
          headStart += head.headLength
          parser.reset()
          continue
        }
        parsed = (head.status, headers, head.framing, head.keepAlive, headStart + head.headLength)
      }
    }
    return bodyStep(atEnd: atEnd)
  }

  /// The bytes fed after the first `consumed` (the start of whatever follows the response).
  func remainder(after consumed: Int) -> [UInt8] {
    consumed < buffer.count ? Array(buffer[consumed...]) : []
  }

  private mutating func bodyStep(atEnd: Bool) -> Step {
    guard let parsed else { return .needMore }
    func done(_ end: Int, keepAlive: Bool) -> Step {
      .complete(
        HTTPResponse(status: parsed.status, headers: parsed.headers, body: body, keepAlive: keepAlive),
        consumed: end)
    }
    switch parsed.framing {
    case .none:
      return done(parsed.bodyStart, keepAlive: parsed.keepAlive)
    case .contentLength(let length):
      let end = parsed.bodyStart + Int(length)
      guard buffer.count >= end else {
        return atEnd
          ? .failed("closed after \(buffer.count - parsed.bodyStart) of \(length) body bytes") : .needMore
      }
      body = Array(buffer[parsed.bodyStart..<end])
      return done(end, keepAlive: parsed.keepAlive)
    case .untilClose:
      guard atEnd else { return .needMore }
      body = Array(buffer[parsed.bodyStart...])
      return done(buffer.count, keepAlive: false)
    case .chunked:
      if chunkedPosition < parsed.bodyStart { chunkedPosition = parsed.bodyStart }
      while true {
        let event = buffer[chunkedPosition...].withUnsafeBytes { chunked.decode($0) }
        switch event {
        case .data(let offset, let count):
          body += buffer[(chunkedPosition + offset)..<(chunkedPosition + offset + count)]
          chunkedPosition += offset + count
        case .needMore(let consumed):
          chunkedPosition += consumed
          return atEnd ? .failed("closed inside a chunked body") : .needMore
        case .end(let consumed):
          return done(chunkedPosition + consumed, keepAlive: parsed.keepAlive)
        case .failed(let error):
          return .failed("unreadable chunked body: \(error.kind.rawValue)")
        }
      }
    }
  }
}
