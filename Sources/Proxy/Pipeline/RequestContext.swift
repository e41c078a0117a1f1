import EventLoop
import HTTP1

/// Everything Gatehouse knows about one request, passed through the phases and logged once at
/// the end. A value owned by the client connection. Loop-thread only.
struct RequestContext {
  var startNanos: UInt64 = 0
  var startWallNanos: Int64 = 0
  var traceHigh: UInt64 = 0
  var traceLow: UInt64 = 0
  var spanID: UInt64 = 0
  var traceFlags: UInt8 = 0
  var traceParentValid = false
  /// The X-Request-Id the client sent, when it was well-formed; otherwise `generatedRequestID`.
  var clientRequestID: [UInt8]? = nil
  var generatedRequestID: (UInt64, UInt64) = (0, 0)
  var routeIndex: Int = -1
  var method: HTTPMethod = .get
  var methodText: String = ""
  var pathText: String = ""
  /// The peer's address text (shared with the connection: no copy per request).
  var peerText: [UInt8] = []
  var clientIP: String { String(decoding: peerText, as: UTF8.self) }
  var status: Int = 0
  var bytesIn: Int64 = 0
  var bytesOut: Int64 = 0
  var upstreamStartNanos: UInt64 = 0
  var upstreamHeadNanos: UInt64 = 0
  var error: ProxyError? = nil
  var authMethod: StaticString = "none"
  var principalHash: String? = nil
  /// Spoofable identity headers removed from the client's request.
  var strippedHeaders = 0
  /// Set by an `AuthGrant`: drop `Authorization` from the upstream request.
  var stripAuthorization = false
  var active = false

  /// Appends the request id (client's or generated) to `buffer`.
  func appendRequestID(to buffer: ByteBuffer) -> Bool {
    if let id = clientRequestID {
      return id.withUnsafeBytes { buffer.append($0) }
    }
    return HexFormat.append64(generatedRequestID.0, to: buffer)
      && HexFormat.append64(generatedRequestID.1, to: buffer)
  }

  var requestIDString: String {
    if let id = clientRequestID { return String(decoding: id, as: UTF8.self) }
    return HexFormat.string64(generatedRequestID.0) + HexFormat.string64(generatedRequestID.1)
  }

  var traceIDString: String { HexFormat.string64(traceHigh) + HexFormat.string64(traceLow) }
  var spanIDString: String { HexFormat.string64(spanID) }
}
