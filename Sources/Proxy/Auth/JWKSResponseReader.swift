import HTTP1

/// Reads one JWKS response from bytes as they arrive: the head through `HeadParser` (only a 200
/// is accepted; `Cache-Control` max-age is kept), then the body by its framing —
/// Content-Length, chunked (through `ChunkedDecoder`: extensions and trailers are checked and
/// dropped), or until the peer closes — up to `maxBytes`. Pure (no I/O): `JWKSHTTPClient` feeds
/// it what it receives, tests feed it whole, byte by byte and at random splits, and any split
/// gives the same result. A plain value; single-thread use.
struct JWKSResponseReader {
  enum Progress: Equatable {
    case needMore
    case complete(body: [UInt8], cacheControlMaxAge: Int64?)
  }

  private enum Stage {
    case head
    case contentLength(Int)
    case chunked
    case untilClose
    case done
  }

  let maxBytes: Int
  private var stage = Stage.head
  private var headBytes: [UInt8] = []
  private var parser = HeadParser(
    limits: HeadLimits(maxRequestLineBytes: 8192, maxHeaderBytes: 65536, maxHeaders: 200))
  private var head = ResponseHead()
  private var decoder = ChunkedDecoder()
  private var body: [UInt8] = []
  private var maxAge: Int64?

  init(maxBytes: Int) {
    self.maxBytes = maxBytes
  }

  /// Takes the next bytes of the response. Throws the reason the response is refused.
  mutating func receive(_ bytes: UnsafeRawBufferPointer) throws(JWKSHTTPClient.Failure) -> Progress {
    switch stage {
    case .head:
      headBytes.append(contentsOf: bytes)
      let result = headBytes.withUnsafeBytes { parser.parseResponse($0, requestMethod: .get, into: &head) }
      switch result {
      case .incomplete: return .needMore
      case .failed(let error): throw JWKSHTTPClient.Failure("invalid response head: \(error)")
      case .complete: break
      }
      try startBody()
      let rest = Array(headBytes[head.headLength...])
      headBytes = []
      let progress = rest.withUnsafeBytes { raw in
        Result { () throws(JWKSHTTPClient.Failure) in try receive(raw) }
      }
      return try progress.get()
    case .contentLength(let length):
      body.append(contentsOf: bytes.prefix(length - body.count))
      return body.count == length ? finish() : .needMore
    case .untilClose:
      body.append(contentsOf: bytes)
      if body.count > maxBytes { throw JWKSHTTPClient.Failure("body exceeds \(maxBytes) bytes") }
      return .needMore
    case .chunked:
      return try decodeChunked(bytes)
    case .done:
      return .complete(body: body, cacheControlMaxAge: maxAge)
    }
  }

  /// The peer closed the connection: the end of a close-delimited body, or a truncated response.
  mutating func receiveEnd() throws(JWKSHTTPClient.Failure) -> Progress {
    switch stage {
    case .head:
      throw JWKSHTTPClient.Failure("connection closed before the response head ended")
    case .contentLength(let length):
      throw JWKSHTTPClient.Failure("connection closed after \(body.count) of \(length) body bytes")
    case .chunked:
      throw JWKSHTTPClient.Failure("connection closed inside a chunked body")
    case .untilClose, .done:
      return finish()
    }
  }

  private mutating func startBody() throws(JWKSHTTPClient.Failure) {
    guard head.status == 200 else { throw JWKSHTTPClient.Failure("HTTP status \(head.status)") }
    headBytes.withUnsafeBytes { raw in
      for field in head.fields where FieldName.equals(field.name(in: raw), "cache-control") {
        if let value = JWKSHTTPClient.cacheControlMaxAge(field.value(in: raw)) {
          maxAge = min(maxAge ?? value, value)
        }
      }
    }
    switch head.framing {
    case .none:
      stage = .done
    case .contentLength(let length):
      guard length <= Int64(maxBytes) else {
        throw JWKSHTTPClient.Failure("body of \(length) bytes exceeds \(maxBytes)")
      }
      stage = length == 0 ? .done : .contentLength(Int(length))
    case .chunked:
      stage = .chunked
    case .untilClose:
      stage = .untilClose
    }
  }

  /// Each `decode` call consumes framing or yields one run of data; it keeps its place inside
  /// the framing, so the next piece of input continues where this one stopped.
  private mutating func decodeChunked(_ input: UnsafeRawBufferPointer) throws(JWKSHTTPClient.Failure)
    -> Progress
  {
    var offset = 0
    while true {
      switch decoder.decode(UnsafeRawBufferPointer(rebasing: input[offset...])) {
      case .data(let start, let count):
        body.append(
          contentsOf: UnsafeRawBufferPointer(rebasing: input[(offset + start)..<(offset + start + count)]))
        offset += start + count
        if body.count > maxBytes { throw JWKSHTTPClient.Failure("body exceeds \(maxBytes) bytes") }
      case .needMore:
        return .needMore
      case .end:
        return finish()
      case .failed(let error):
        throw JWKSHTTPClient.Failure("invalid chunked body: \(error)")
      }
    }
  }

  private mutating func finish() -> Progress {
    stage = .done
    return .complete(body: body, cacheControlMaxAge: maxAge)
  }
}
