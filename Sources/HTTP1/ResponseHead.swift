/// A parsed response head: offsets into the buffer given to `HeadParser.parseResponse`. Loop-thread only
/// (a plain value, owned by the upstream connection that reuses it for every response).
public struct ResponseHead: Sendable {
  public var status: Int = 0
  /// 0 or 1.
  public var versionMinor: Int = 1
  public var reasonStart: Int = 0
  public var reasonLength: Int = 0
  public var fields: [HTTPField] = []
  public var framing: BodyFraming = .none
  /// False for `.untilClose`, for "Connection: close", and for HTTP/1.0 without "keep-alive".
  public var keepAlive: Bool = true
  /// Connection has the "upgrade" token and an Upgrade field is present (meaningful on 101).
  public var upgrade: Bool = false
  public var headLength: Int = 0

  public init() {}

  mutating func clear() {
    status = 0
    versionMinor = 1
    reasonStart = 0
    reasonLength = 0
    if !fields.isEmpty { fields.removeAll(keepingCapacity: true) }
    framing = .none
    keepAlive = true
    upgrade = false
    headLength = 0
  }
}
