/// Validation of a request's `Host` value. Stateless, thread-safe.
///
/// Stricter than RFC 9110 §7.2 / RFC 3986 §3.2.2 allow, because the app builds links, redirects and
/// password-reset mails from this value and a proxy in front of it should pass only what a browser
/// can send (docs/security.md, "Host"):
/// - not empty (RFC 9112 §3.2 permits an empty Host only for targets without an authority, which
///   an origin-facing sidecar never serves);
/// - a name of letters, digits, `-`, `.` and `_`, or an IP literal `[` hex digits, `:`, `.` `]`
///   (no userinfo, no sub-delims, no percent-encoding, no IPvFuture);
/// - an optional port of 1 to 5 digits with a value from 1 to 65535 (`host:` with an empty port,
///   port 0 and `host:99999` are refused).
enum HostField {
  static func validate(_ buf: UnsafeRawBufferPointer, start: Int, end: Int) -> HTTPParseError.Kind? {
    guard start < end else { return .emptyHost }
    var j = start
    if buf[j] == UInt8(ascii: "[") {
      j &+= 1
      let literalStart = j
      while j < end && ASCII.isIPv6LiteralChar(buf[j]) { j &+= 1 }
      guard j < end, buf[j] == UInt8(ascii: "]"), j &- literalStart >= 2 else { return .invalidHost }
      j &+= 1
    } else {
      while j < end && ASCII.isRegNameChar(buf[j]) { j &+= 1 }
      guard j > start else { return .invalidHost }
    }
    if j == end { return nil }
    guard buf[j] == UInt8(ascii: ":") else { return .invalidHost }
    j &+= 1
    var port = 0
    var digits = 0
    while j < end {
      let b = buf[j]
      guard ASCII.isDigit(b) else { return .invalidHostPort }
      digits &+= 1
      if digits > 5 { return .invalidHostPort }
      port = port &* 10 &+ Int(b &- 0x30)
      j &+= 1
    }
    guard digits > 0, port >= 1, port <= 65535 else { return .invalidHostPort }
    return nil
  }
}
