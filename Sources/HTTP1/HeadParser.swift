/// Strict, incremental parser of HTTP/1.1 request and response heads (RFC 9112, RFC 9110). Loop-thread
/// only: a plain value owned by one connection, reused for every message after `reset()`.
///
/// The caller's buffer always starts at the first byte of the head and grows between calls. The
/// parser is a byte-at-a-time state machine that remembers its position and state, so feeding a head
/// one byte at a time costs O(n) overall, and — because no decision looks past the byte being
/// examined — every split of the input gives the same result, including the *first* error in byte
/// order. Limits are enforced before the head is complete (414/431 as soon as they are exceeded).
///
/// Decisions beyond the RFC's MUSTs (Gatehouse is an origin-facing sidecar and refuses every
/// ambiguity a request-smuggling or path-confusion attack needs):
/// - Leading empty lines (CRLF) before a request line are skipped (RFC 9112 §2.2 "SHOULD ignore at
///   least one"); they count towards `maxHeaderBytes` and `headLength`, not the request-line limit.
///   Responses get no such leniency.
/// - Only origin-form and (with OPTIONS) asterisk-form targets; CONNECT is refused with 501.
/// - Target bytes are visible ASCII without '#' and '\'; every '%' starts a valid triplet; the path
///   must not contain dot segments (also as `%2e`), encoded '/' or '\' (`%2f`, `%5c`) or `%00`.
/// - Exactly `HTTP/1.1` or `HTTP/1.0`; other `HTTP/x.y` is 505 (RFC 9112 §2.3 would let 1.2 through
///   as 1.1; we do not guess). A status line may omit the SP before an empty reason phrase.
/// - Transfer-Encoding in an HTTP/1.0 message, or without `chunked` last, is an error for requests
///   and responses alike (for a response the proxy answers 502 instead of reading until close).
/// - Connection can never nominate Host, Content-Length or Transfer-Encoding for removal.
/// - Methods longer than `maxMethodBytes` are refused; so are field names with '%' and names that
///   become a framing field or one the proxy reads when '_' is read as '-' (`Transfer_Encoding`,
///   `User_Agent`): a CGI-style backend maps both spellings to one variable.
/// - Request `Host`: exactly one, not empty, a plain name or IP literal, a port of 1…65535
///   (`HostField`). A second `Expect`, `User-Agent`, `Origin`, `Sec-Fetch-Site` or `Content-Type`
///   line is refused: the proxy and the app could each read a different one. `Expect` on an
///   HTTP/1.0 request is ignored (RFC 9110 §10.1.1) and flagged hop-by-hop so it is not forwarded.
/// The reasons for each choice are in docs/security.md.
public struct HeadParser: Sendable {
  public let limits: HeadLimits

  enum State: UInt8 {
    case requestStart, leadingLF
    case method, targetStart, asteriskEnd, path, pathPct1, pathPct2, query, queryPct1, queryPct2
    case requestVersion, requestLineLF
    case statusVersion, statusCode, statusReason, statusLineLF
    case lineStart, name, valueOWS, value, fieldLF, headEndLF
    case done, failed
  }

  enum Step {
    case incomplete
    case complete(headLength: Int)
    case failed(HTTPParseError.Kind)
  }

  var started = false
  var isResponse = false
  var state: State = .requestStart
  var failure: HTTPParseError.Kind = .invalidMethod
  var position = 0
  var limitPosition = 0
  /// Start of the current line (for the request line: after any leading empty lines).
  var lineStart = 0
  /// Start of the current element: method, target, version, status code, field name.
  var tokenStart = 0
  var nameEnd = 0
  var valueStart = 0
  var valueEnd = 0

  // Start line
  var method: HTTPMethod = .other
  var methodLength = 0
  var targetStart = 0
  var pathEnd = 0
  var targetEnd = 0
  var versionMajor: UInt8 = 0
  var versionMinor: UInt8 = 0
  var segmentDots: UInt8 = 0
  var segmentOther = false
  var pctHigh: UInt8 = 0
  var status = 0
  var reasonStart = 0
  var reasonEnd = 0
  var requestMethod: HTTPMethod = .get

  // Field semantics
  var contentLength: Int64 = -1
  var hostCount = 0
  var hostIndex = -1
  var transferEncodingSeen = false
  var chunkedSeen = false
  var chunkedLast = false
  var connectionClose = false
  var connectionKeepAlive = false
  var connectionUpgrade = false
  var connectionNominates = false
  var upgradeSeen = false
  var expectContinue = false
  var expectSeen = false
  /// The current field name contains '_' (checked against the framing names at its end).
  var nameHasUnderscore = false
  /// Request fields that must appear at most once, one bit each (`SingletonField`).
  var singletonsSeen: UInt8 = 0

  public init(limits: HeadLimits = HeadLimits()) {
    self.limits = limits
  }

  /// Forget the previous message; call before parsing the next head on the connection.
  public mutating func reset() {
    self = HeadParser(limits: limits)
  }

  /// Parses a request head at the start of `buffer`. Call again with the same `head` and a grown
  /// buffer after `.incomplete`; after `.complete` the head's offsets refer to `buffer`.
  public mutating func parseRequest(_ buffer: UnsafeRawBufferPointer, into head: inout RequestHead)
    -> HeadParseResult
  {
    switch state {
    case .done: return .complete
    case .failed: return .failed(HTTPParseError(failure))
    default: break
    }
    if !started {
      started = true
      isResponse = false
      state = .requestStart
      limitPosition = Swift.min(limits.maxRequestLineBytes, limits.maxHeaderBytes)
      head.clear()
    }
    switch scan(buffer, &head.fields) {
    case .incomplete: return .incomplete
    case .failed(let kind): return .failed(HTTPParseError(kind))
    case .complete(let headLength):
      if let kind = finishRequest(buffer, &head, headLength: headLength) {
        return fail(kind)
      }
      return .complete
    }
  }

  /// Parses a response head at the start of `buffer`; `requestMethod` is the method of the request it
  /// answers (HEAD responses have no body). Same calling convention as `parseRequest`.
  public mutating func parseResponse(
    _ buffer: UnsafeRawBufferPointer, requestMethod: HTTPMethod, into head: inout ResponseHead
  ) -> HeadParseResult {
    switch state {
    case .done: return .complete
    case .failed: return .failed(HTTPParseError(failure))
    default: break
    }
    if !started {
      started = true
      isResponse = true
      state = .statusVersion
      self.requestMethod = requestMethod
      limitPosition = limits.maxHeaderBytes
      head.clear()
    }
    switch scan(buffer, &head.fields) {
    case .incomplete: return .incomplete
    case .failed(let kind): return .failed(HTTPParseError(kind))
    case .complete(let headLength):
      if let kind = finishResponse(buffer, &head, headLength: headLength) {
        return fail(kind)
      }
      return .complete
    }
  }

  mutating func fail(_ kind: HTTPParseError.Kind) -> HeadParseResult {
    state = .failed
    failure = kind
    return .failed(HTTPParseError(kind))
  }
}
