/// The request method, recognised without allocating. Immutable.
///
/// Methods outside the common set are `.other`; their bytes stay in the buffer
/// (`RequestHead.methodLength` bytes from offset 0 of the head).
public enum HTTPMethod: UInt8, Sendable {
  case get, head, post, put, delete, patch, options, connect, trace, other

  /// RFC 9110 §9.2.1 safe methods: GET, HEAD, OPTIONS, TRACE. The one rule for "needs a CSRF
  /// token": every other method (unknown ones included) does. The method on the request line
  /// decides; an override header such as `X-HTTP-Method-Override` is never consulted.
  public var isSafe: Bool {
    switch self {
    case .get, .head, .options, .trace: return true
    default: return false
    }
  }

  /// Classifies method bytes; methods are case-sensitive (RFC 9110 §9.1), so `get` is `.other`.
  static func classify(_ buffer: UnsafeRawBufferPointer, start: Int, length: Int) -> HTTPMethod {
    @inline(__always) func at(_ i: Int) -> UInt8 { buffer[start &+ i] }
    switch length {
    case 3:
      if at(0) == UInt8(ascii: "G"), at(1) == UInt8(ascii: "E"), at(2) == UInt8(ascii: "T") { return .get }
      if at(0) == UInt8(ascii: "P"), at(1) == UInt8(ascii: "U"), at(2) == UInt8(ascii: "T") { return .put }
    case 4:
      if at(0) == UInt8(ascii: "P"), at(1) == UInt8(ascii: "O"), at(2) == UInt8(ascii: "S"),
        at(3) == UInt8(ascii: "T")
      {
        return .post
      }
      if at(0) == UInt8(ascii: "H"), at(1) == UInt8(ascii: "E"), at(2) == UInt8(ascii: "A"),
        at(3) == UInt8(ascii: "D")
      {
        return .head
      }
    case 5:
      if ASCII.equalsExact(buffer, start, "PATCH") { return .patch }
      if ASCII.equalsExact(buffer, start, "TRACE") { return .trace }
    case 6:
      if ASCII.equalsExact(buffer, start, "DELETE") { return .delete }
    case 7:
      if ASCII.equalsExact(buffer, start, "OPTIONS") { return .options }
      if ASCII.equalsExact(buffer, start, "CONNECT") { return .connect }
    default: break
    }
    return .other
  }
}
