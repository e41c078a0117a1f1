/// A parsed request head: offsets into the buffer given to `HeadParser.parseRequest`. Loop-thread only
/// (a plain value, owned by the connection that reuses it for every request).
///
/// `fields` keeps its capacity between requests (`removeAll(keepingCapacity: true)` when the parser
/// starts a new head), so a connection allocates its field storage once.
public struct RequestHead: Sendable {
  public var method: HTTPMethod = .other
  /// The method's bytes are `buffer[methodStart..<methodStart+methodLength]`.
  public var methodStart: Int = 0
  public var methodLength: Int = 0
  public var targetStart: Int = 0
  public var targetLength: Int = 0
  /// Target up to '?' (query excluded). `*` for asterisk-form.
  public var pathLength: Int = 0
  /// 0 or 1.
  public var versionMinor: Int = 1
  public var fields: [HTTPField] = []
  public var framing: BodyFraming = .none
  /// HTTP/1.1: true unless Connection has "close". HTTP/1.0: true only with "keep-alive" (and no "close").
  public var keepAlive: Bool = true
  /// `Expect: 100-continue` on an HTTP/1.1 request (ignored on 1.0, RFC 9110 §10.1.1).
  public var expectContinue: Bool = false
  /// Connection has the "upgrade" token and an Upgrade field is present.
  public var upgrade: Bool = false
  /// Index into `fields` of Host, -1 if none (HTTP/1.0 without Host).
  public var hostIndex: Int = -1
  /// Bytes of the head including leading empty lines and the final CRLF CRLF; the next message
  /// (body or pipelined request) starts here.
  public var headLength: Int = 0

  public init() {}

  mutating func clear() {
    method = .other
    methodStart = 0
    methodLength = 0
    targetStart = 0
    targetLength = 0
    pathLength = 0
    versionMinor = 1
    if !fields.isEmpty { fields.removeAll(keepingCapacity: true) }
    framing = .none
    keepAlive = true
    expectContinue = false
    upgrade = false
    hostIndex = -1
    headLength = 0
  }
}
