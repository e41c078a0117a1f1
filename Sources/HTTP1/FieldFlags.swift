/// What the parser learned about a field while parsing it. Immutable value.
///
/// The proxy uses these to drop hop-by-hop fields when forwarding without comparing names again.
public struct FieldFlags: OptionSet, Sendable, Hashable {
  public let rawValue: UInt16
  @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }

  // Computed and inlinable, not `static let`: another module read a `static let` through a call
  // to its addressor, for every field of every head (docs/performance.md, "The shared pipeline,
  // round 7").

  /// Connection, Keep-Alive, TE, Trailer, Transfer-Encoding, Upgrade, Proxy-Connection (RFC 9110 §7.6.1).
  @inlinable public static var hopByHop: FieldFlags { FieldFlags(rawValue: 1 << 0) }
  /// Named by a token of a Connection field. Host, Content-Length and Transfer-Encoding are never marked:
  /// a client must not be able to make the proxy drop the fields that route and frame the message.
  @inlinable public static var nominatedByConnection: FieldFlags { FieldFlags(rawValue: 1 << 1) }
  @inlinable public static var contentLength: FieldFlags { FieldFlags(rawValue: 1 << 2) }
  @inlinable public static var transferEncoding: FieldFlags { FieldFlags(rawValue: 1 << 3) }
  @inlinable public static var host: FieldFlags { FieldFlags(rawValue: 1 << 4) }
  @inlinable public static var connection: FieldFlags { FieldFlags(rawValue: 1 << 5) }
  @inlinable public static var upgrade: FieldFlags { FieldFlags(rawValue: 1 << 6) }
  @inlinable public static var expect: FieldFlags { FieldFlags(rawValue: 1 << 7) }
}
