/// What the parser learned about a field while parsing it. Immutable value.
///
/// The proxy uses these to drop hop-by-hop fields when forwarding without comparing names again.
public struct FieldFlags: OptionSet, Sendable, Hashable {
  public let rawValue: UInt16
  public init(rawValue: UInt16) { self.rawValue = rawValue }

  /// Connection, Keep-Alive, TE, Trailer, Transfer-Encoding, Upgrade, Proxy-Connection (RFC 9110 §7.6.1).
  public static let hopByHop = FieldFlags(rawValue: 1 << 0)
  /// Named by a token of a Connection field. Host, Content-Length and Transfer-Encoding are never marked:
  /// a client must not be able to make the proxy drop the fields that route and frame the message.
  public static let nominatedByConnection = FieldFlags(rawValue: 1 << 1)
  public static let contentLength = FieldFlags(rawValue: 1 << 2)
  public static let transferEncoding = FieldFlags(rawValue: 1 << 3)
  public static let host = FieldFlags(rawValue: 1 << 4)
  public static let connection = FieldFlags(rawValue: 1 << 5)
  public static let upgrade = FieldFlags(rawValue: 1 << 6)
  public static let expect = FieldFlags(rawValue: 1 << 7)
}
